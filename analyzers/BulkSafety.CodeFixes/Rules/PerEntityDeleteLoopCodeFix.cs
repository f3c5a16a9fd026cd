using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using BulkSafety.Analyzers;
using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Rules;
using BulkSafety.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.CodeFixes.Rules;

/// <summary>
/// BS1001 fix: replace a loop that only removes each entity of an EF query (or a <c>RemoveRange</c> of a query) with
/// one <c>ExecuteDelete</c>/<c>ExecuteDeleteAsync</c> on the same query, in step with the loop's sync/async form and
/// with its cancellation token. Offered only when the rewrite deletes the same rows: the loop body is the single
/// <c>Remove</c> of the element, the collection is the query itself (or its <c>ToList</c>/<c>ToListAsync</c>/
/// <c>AsEnumerable</c>/<c>AsAsyncEnumerable</c>), the elements are the query's entities, and nothing is
/// <c>Include</c>d. Each rewrite is one action; a batched delete can be added as a second, preferred action.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PerEntityDeleteLoopCodeFix)), Shared]
public sealed class PerEntityDeleteLoopCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of "Delete with one ExecuteDelete".</summary>
    public const string ExecuteDeleteEquivalenceKey = "BS1001.ExecuteDelete";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.PerEntityDeleteLoop);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var inputs = await FixInputs.LoadAsync(context.Document, diagnostic.Location.SourceSpan, DiagnosticIds.PerEntityDeleteLoop, context.CancellationToken).ConfigureAwait(false);
            if (inputs?.Operation is not IInvocationOperation invocation
                || !PerEntityDeleteLoopAnalyzer.TryMatch(invocation, inputs.Symbols, inputs.SmallSetMax, out var match)
                || TryPlanExecuteDelete(match, inputs.Symbols) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(
                    plan.IsAsync ? "Delete with one ExecuteDeleteAsync on the query" : "Delete with one ExecuteDelete on the query",
                    _ => Task.FromResult(plan.Apply(document, inputs)),
                    ExecuteDeleteEquivalenceKey),
                diagnostic);
        }
    }

    private static StatementRewrite? TryPlanExecuteDelete(PerEntityDelete match, EfCoreSymbols symbols)
    {
        IOperation collection;
        StatementSyntax? statement;
        var isAsync = false;
        IOperation? cancellationToken = null;
        if (match.Loop is { } loop)
        {
            // The body only removes the element itself: Remove(x) where x is the loop variable.
            if (match.Delete.TargetMethod.Name != "Remove"
                || loop.Form is LoopForm.For or LoopForm.While or LoopForm.Do or LoopForm.Select
                || loop.ElementVariables.Length != 1
                || LoopRewriting.GetSingleBodyOperation(loop) != match.Delete
                || !IsElementReference(match.Deleted, loop.ElementVariables[0])
                || loop.Collection is null)
            {
                return null;
            }

            collection = loop.Collection;
            statement = LoopRewriting.GetLoopStatement(loop);
            isAsync = loop.IsAsynchronous;
            if (loop.Form == LoopForm.ForEachAsync)
            {
                cancellationToken = ((IInvocationOperation)loop.Operation).GetArgument("cancellationToken") is { IsImplicit: false } token ? token.Value : null;
            }
        }
        else
        {
            // RemoveRange(query); as a statement of its own.
            collection = match.Deleted;
            statement = match.Delete.Parent is IExpressionStatementOperation expressionStatement ? expressionStatement.Syntax as StatementSyntax : null;
        }

        if (statement is null
            || match.Source.HasInclude
            || MaterializedQuery.TryCreate(collection, symbols) is not { } query
            || !SymbolEqualityComparer.Default.Equals(query.ElementType, match.EntityType))
        {
            return null;
        }

        isAsync |= query.IsAsync;
        cancellationToken ??= query.CancellationToken;
        var arguments = isAsync && cancellationToken is not null ? cancellationToken.Syntax.ToString() : string.Empty;
        var call = $"{LoopRewriting.ReceiverText(query.Query.Syntax)}.{(isAsync ? "ExecuteDeleteAsync" : "ExecuteDelete")}({arguments})";
        return new StatementRewrite(statement, (isAsync ? "await " : string.Empty) + call + ";", isAsync);
    }

    private static bool IsElementReference(IOperation operation, ISymbol element)
        => operation.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, element),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, element),
            _ => false,
        };
}
