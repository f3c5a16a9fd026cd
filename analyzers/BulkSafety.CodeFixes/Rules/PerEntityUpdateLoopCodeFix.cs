using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using BulkSafety.Analyzers;
using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Rules;
using BulkSafety.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.CodeFixes.Rules;

/// <summary>
/// BS1003 fixes: replace the loop with one set-based update of the same query, one <c>SetProperty</c> per assignment
/// (EF Core 10 syntax: <c>s =&gt; s.SetProperty(p =&gt; p.IsSpam, true).SetProperty(p =&gt; p.Score, p =&gt; p.Score + 1)</c>).
/// First, where the compilation references BulkSafety's batched API and the statement may await:
/// <c>await query.UpdateInBatchesAsync(setters)</c> — keyset batches in their own transactions, paced to the guard's
/// budgets. Second: one <c>ExecuteUpdate</c>/<c>ExecuteUpdateAsync</c>, in step with the loop's sync/async form. Offered
/// only when the rewrite computes the same values: the loop iterates the query itself (optionally materialized), nothing
/// is <c>Include</c>d, no column is assigned twice, no value reads a column an earlier statement assigned (the database
/// reads the old values), and compound assignments keep the column's type.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PerEntityUpdateLoopCodeFix)), Shared]
public sealed class PerEntityUpdateLoopCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of "Update in paced batches with UpdateInBatchesAsync".</summary>
    public const string UpdateInBatchesEquivalenceKey = "BS1003.UpdateInBatches";

    /// <summary>The equivalence key of "Update with one ExecuteUpdate".</summary>
    public const string ExecuteUpdateEquivalenceKey = "BS1003.ExecuteUpdate";

    private static readonly ImmutableArray<SpecialType> IncrementableTypes = ImmutableArray.Create(
        SpecialType.System_Int32, SpecialType.System_Int64, SpecialType.System_UInt32, SpecialType.System_UInt64,
        SpecialType.System_Decimal, SpecialType.System_Double, SpecialType.System_Single);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.PerEntityUpdateLoop);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var inputs = await FixInputs.LoadAsync(context.Document, diagnostic.Location.SourceSpan, DiagnosticIds.PerEntityUpdateLoop, context.CancellationToken).ConfigureAwait(false);
            if (inputs is null
                || Loop.TryCreate(inputs.Operation, inputs.Symbols) is not { } loop
                || !PerEntityUpdateLoopAnalyzer.TryMatch(loop, inputs.Symbols, inputs.SmallSetMax, inputs.Facts, out var match)
                || TryPlanSetBasedUpdate(match, inputs) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            if (BatchedApi.IsAvailable(inputs.Model.Compilation, BatchedApi.UpdateInBatchesAsync) && BatchedApi.CanAwaitAt(plan.Statement))
            {
                var batched = plan.UpdateInBatches();
                context.RegisterCodeFix(
                    CodeAction.Create("Update in paced batches with UpdateInBatchesAsync", _ => Task.FromResult(batched.Apply(document, inputs)), UpdateInBatchesEquivalenceKey),
                    diagnostic);
            }

            var executeUpdate = plan.ExecuteUpdate();
            context.RegisterCodeFix(
                CodeAction.Create(
                    executeUpdate.IsAsync ? "Update with one ExecuteUpdateAsync on the query" : "Update with one ExecuteUpdate on the query",
                    _ => Task.FromResult(executeUpdate.Apply(document, inputs)),
                    ExecuteUpdateEquivalenceKey),
                diagnostic);
        }
    }

    private static SetBasedUpdate? TryPlanSetBasedUpdate(PerEntityUpdate match, FixInputs inputs)
    {
        var loop = match.Loop;
        if (loop.Form is LoopForm.Select
            || match.UpdatesThroughWrapper
            || match.Source.Kind != LoopSourceKind.EfQuery
            || match.Source.HasInclude
            || match.Source.ViaRepository
            || loop.Collection is null
            || MaterializedQuery.TryCreate(loop.Collection, inputs.Symbols) is not { } query
            || LoopRewriting.GetLoopStatement(loop) is not { } statement)
        {
            return null;
        }

        var elementSymbol = loop.ElementVariables[0];
        var element = elementSymbol.Name;
        var setters = new List<string>();
        var assigned = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        foreach (var assignment in match.Assignments)
        {
            if (ReadsAnyOf(assignment.Write, assigned) || !assigned.Add(assignment.Column)
                || SetterValue(assignment, elementSymbol) is not { } value)
            {
                return null;
            }

            setters.Add($".SetProperty({element} => {element}.{assignment.Column.Name}, {value})");
        }

        var isAsync = loop.IsAsynchronous || query.IsAsync;
        var cancellationToken = loop.Form == LoopForm.ForEachAsync
            ? (((IInvocationOperation)loop.Operation).GetArgument("cancellationToken") is { IsImplicit: false } token ? token.Value : null)
            : query.CancellationToken;
        var builder = FreeName(inputs.Model, statement.SpanStart, element);
        return new SetBasedUpdate(statement, LoopRewriting.ReceiverText(query.Query.Syntax), $"{builder} => {builder}{string.Concat(setters)}", isAsync, cancellationToken?.Syntax.ToString());
    }

    // The SetProperty value: the expression itself, or a lambda over the element when it reads the element's columns.
    private static string? SetterValue(ColumnAssignment assignment, ISymbol elementSymbol)
    {
        var element = elementSymbol.Name;
        var column = $"{element}.{assignment.Column.Name}";
        switch (assignment.Write)
        {
            case ISimpleAssignmentOperation { Syntax: AssignmentExpressionSyntax syntax } simple:
                var text = syntax.Right.WithoutTrivia().ToString();
                return ReadsElement(simple.Value, elementSymbol) ? $"{element} => {text}" : text;
            case ICompoundAssignmentOperation { Syntax: AssignmentExpressionSyntax syntax } compound
                when compound.InConversion.IsIdentity && compound.OutConversion.IsIdentity && OperatorText(syntax.Kind()) is { } op:
                return $"{element} => {column} {op} {Parenthesized(syntax.Right)}";
            case IIncrementOrDecrementOperation increment when IncrementableTypes.Contains(assignment.Column.Type.SpecialType):
                return $"{element} => {column} {(increment.Kind == OperationKind.Increment ? "+" : "-")} 1";
            default:
                return null;
        }
    }

    private static bool ReadsElement(IOperation value, ISymbol element)
        => value.DescendantsAndSelf().Any(o => o switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, element),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, element),
            _ => false,
        });

    // In the loop a later statement sees the earlier assignment; in one UPDATE every SET reads the old row.
    private static bool ReadsAnyOf(IOperation write, HashSet<IPropertySymbol> columns)
        => write is IAssignmentOperation assignment
            && assignment.Value.DescendantsAndSelf().OfType<IPropertyReferenceOperation>().Any(p => columns.Contains(p.Property));

    private static string? OperatorText(SyntaxKind kind)
        => kind switch
        {
            SyntaxKind.AddAssignmentExpression => "+",
            SyntaxKind.SubtractAssignmentExpression => "-",
            SyntaxKind.MultiplyAssignmentExpression => "*",
            SyntaxKind.DivideAssignmentExpression => "/",
            SyntaxKind.ModuloAssignmentExpression => "%",
            SyntaxKind.AndAssignmentExpression => "&",
            SyntaxKind.OrAssignmentExpression => "|",
            SyntaxKind.ExclusiveOrAssignmentExpression => "^",
            _ => null,
        };

    private static string Parenthesized(ExpressionSyntax expression)
    {
        var text = expression.WithoutTrivia().ToString();
        return expression is LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or ParenthesizedExpressionSyntax or InvocationExpressionSyntax
            ? text
            : "(" + text + ")";
    }

    // "s" unless something named s is in scope (or the element is called s).
    private static string FreeName(SemanticModel model, int position, string element)
    {
        foreach (var candidate in new[] { "s", "setters", "update" })
        {
            if (candidate != element && model.LookupSymbols(position, name: candidate).IsEmpty)
            {
                return candidate;
            }
        }

        return "setters_" + element;
    }

    /// <summary>The loop statement, the query it updates, the setters, and how the loop ran (async, with which token).</summary>
    private sealed class SetBasedUpdate(StatementSyntax statement, string query, string setters, bool isAsync, string? cancellationToken)
    {
        public StatementSyntax Statement { get; } = statement;

        public StatementRewrite UpdateInBatches()
        {
            var tokenArgument = cancellationToken is null ? string.Empty : ", cancellationToken: " + cancellationToken;
            return new StatementRewrite(Statement, $"await {query}.{BatchedApi.UpdateInBatchesAsync}({setters}{tokenArgument});", isAsync: true, BatchedApi.Namespace);
        }

        public StatementRewrite ExecuteUpdate()
            => isAsync
                ? new StatementRewrite(Statement, $"await {query}.ExecuteUpdateAsync({setters}{(cancellationToken is null ? string.Empty : ", " + cancellationToken)});", isAsync: true)
                : new StatementRewrite(Statement, $"{query}.ExecuteUpdate({setters});", isAsync: false);
    }
}
