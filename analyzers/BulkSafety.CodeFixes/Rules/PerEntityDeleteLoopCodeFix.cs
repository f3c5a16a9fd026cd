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
/// BS1001 fixes: replace a loop that only removes each entity of an EF query (or a <c>RemoveRange</c> of a query) with
/// one set-based delete of the same query. First, where the compilation references BulkSafety's batched API and the
/// statement may await: <c>await query.DeleteInBatchesAsync()</c> — keyset batches in their own transactions, paced to
/// the guard's budgets (one unbounded DELETE is one huge binlog transaction). Second: one <c>ExecuteDelete</c>/
/// <c>ExecuteDeleteAsync</c>, in step with the loop's sync/async form. Both pass on the loop's cancellation token.
/// Offered only when the rewrite deletes the same rows: the loop body is the single <c>Remove</c> of the element, the
/// collection is the query itself (or its <c>ToList</c>/<c>ToListAsync</c>/<c>AsEnumerable</c>/<c>AsAsyncEnumerable</c>),
/// the elements are the query's entities, and nothing is <c>Include</c>d.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PerEntityDeleteLoopCodeFix)), Shared]
public sealed class PerEntityDeleteLoopCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of "Delete in paced batches with DeleteInBatchesAsync".</summary>
    public const string DeleteInBatchesEquivalenceKey = "BS1001.DeleteInBatches";

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
                || !PerEntityDeleteLoopAnalyzer.TryMatch(invocation, inputs.Symbols, inputs.SmallSetMax, inputs.Facts, out var match)
                || TryPlanSetBasedDelete(match, inputs.Symbols) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            if (BatchedApi.IsAvailable(inputs.Model.Compilation, BatchedApi.DeleteInBatchesAsync) && BatchedApi.CanAwaitAt(plan.Statement))
            {
                var batched = plan.DeleteInBatches();
                context.RegisterCodeFix(
                    CodeAction.Create("Delete in paced batches with DeleteInBatchesAsync", _ => Task.FromResult(batched.Apply(document, inputs)), DeleteInBatchesEquivalenceKey),
                    diagnostic);
            }

            var executeDelete = plan.ExecuteDelete();
            context.RegisterCodeFix(
                CodeAction.Create(
                    executeDelete.IsAsync ? "Delete with one ExecuteDeleteAsync on the query" : "Delete with one ExecuteDelete on the query",
                    _ => Task.FromResult(executeDelete.Apply(document, inputs)),
                    ExecuteDeleteEquivalenceKey),
                diagnostic);
        }
    }

    private static SetBasedDelete? TryPlanSetBasedDelete(PerEntityDelete match, EfCoreSymbols symbols)
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
            || match.Source.ViaRepository
            || MaterializedQuery.TryCreate(collection, symbols) is not { } query
            || !SymbolEqualityComparer.Default.Equals(query.ElementType, match.EntityType))
        {
            return null;
        }

        return new SetBasedDelete(statement, LoopRewriting.ReceiverText(query.Query.Syntax), isAsync || query.IsAsync, (cancellationToken ?? query.CancellationToken)?.Syntax.ToString());
    }

    private static bool IsElementReference(IOperation operation, ISymbol element)
        => operation.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, element),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, element),
            _ => false,
        };

    /// <summary>The loop statement, the query it deletes from, and how the loop ran (async, with which token).</summary>
    private sealed class SetBasedDelete(StatementSyntax statement, string query, bool isAsync, string? cancellationToken)
    {
        public StatementSyntax Statement { get; } = statement;

        public StatementRewrite DeleteInBatches()
        {
            var arguments = cancellationToken is null ? string.Empty : "cancellationToken: " + cancellationToken;
            return new StatementRewrite(Statement, $"await {query}.{BatchedApi.DeleteInBatchesAsync}({arguments});", isAsync: true, BatchedApi.Namespace);
        }

        public StatementRewrite ExecuteDelete()
            => isAsync
                ? new StatementRewrite(Statement, $"await {query}.ExecuteDeleteAsync({cancellationToken});", isAsync: true)
                : new StatementRewrite(Statement, $"{query}.ExecuteDelete();", isAsync: false);
    }
}
