using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BulkSafety.Analyzers;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace BulkSafety.CodeFixes.Infrastructure;

/// <summary>What every loop fix starts from: the operation under the diagnostic and the compilation's EF symbols.</summary>
internal sealed class FixInputs(SyntaxNode root, SemanticModel model, EfCoreSymbols symbols, IOperation operation, int smallSetMax, LoopFacts facts)
{
    public SyntaxNode Root { get; } = root;

    public SemanticModel Model { get; } = model;

    public EfCoreSymbols Symbols { get; } = symbols;

    /// <summary>The call (for a diagnostic on a method name) or the loop (for one on a loop keyword) the diagnostic is about.</summary>
    public IOperation Operation { get; } = operation;

    /// <summary>The rule's <c>small_set_max</c> for this document, so the fix classifies sets exactly as the analyzer did.</summary>
    public int SmallSetMax { get; } = smallSetMax;

    /// <summary>The EF mapping and options of this document, so the fix sees keys and small sets as the analyzer did.</summary>
    public LoopFacts Facts { get; } = facts;

    /// <summary>Loads the inputs for a diagnostic of <paramref name="ruleId"/> at <paramref name="span"/>, or <see langword="null"/> when the code no longer has that shape.</summary>
    public static async Task<FixInputs?> LoadAsync(Document document, TextSpan span, string ruleId, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || EfCompilation.For(model.Compilation) is not { } ef)
        {
            return null;
        }

        var node = root.FindToken(span.Start).Parent;
        var target = node?.AncestorsAndSelf().FirstOrDefault(n => n is InvocationExpressionSyntax or CommonForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
        if (target is null || model.GetOperation(target, cancellationToken) is not { } operation)
        {
            return null;
        }

        var smallSetMax = RuleOptions.GetInt32(document.Project.AnalyzerOptions, root.SyntaxTree, ruleId, LoopSource.SmallSetMaxOption, LoopSource.DefaultSmallSetMax);
        var facts = LoopFacts.For(ef, document.Project.AnalyzerOptions, root.SyntaxTree, ruleId, cancellationToken);
        return new FixInputs(root, model, ef.Symbols, operation, smallSetMax, facts);
    }
}

/// <summary>
/// A planned fix: replace one statement (the loop) with a new one, e.g. a set-based <c>ExecuteDelete</c>, importing the
/// namespace of the new call when it would not bind without it.
/// </summary>
internal sealed class StatementRewrite(StatementSyntax statement, string newStatementText, bool isAsync, string importNamespace = LoopRewriting.EfCoreNamespace)
{
    /// <summary>The statement to replace.</summary>
    public StatementSyntax Statement { get; } = statement;

    /// <summary>The replacement's source text, without trivia.</summary>
    public string NewStatementText { get; } = newStatementText;

    /// <summary>Whether the replacement awaits an async call (the action's title says so).</summary>
    public bool IsAsync { get; } = isAsync;

    /// <summary>The namespace that declares the new call.</summary>
    public string ImportNamespace { get; } = importNamespace;

    /// <summary>The document with the statement replaced.</summary>
    public Document Apply(Document document, FixInputs inputs) => LoopRewriting.ReplaceStatement(document, inputs, Statement, NewStatementText, ImportNamespace);
}

/// <summary>Syntax helpers for fixes that replace a loop with one set-based call or move a statement out of a loop.</summary>
internal static class LoopRewriting
{
    public const string EfCoreNamespace = "Microsoft.EntityFrameworkCore";

    /// <summary>
    /// The statement that is the loop: the loop statement itself, or the expression statement <c>list.ForEach(...);</c> /
    /// <c>await q.ForEachAsync(...);</c>. <see langword="null"/> when the loop is part of a larger expression.
    /// </summary>
    public static StatementSyntax? GetLoopStatement(Loop loop)
    {
        if (loop.IsStatement)
        {
            return loop.Operation.Syntax as StatementSyntax;
        }

        var parent = loop.Operation.Parent;
        if (loop.Form == LoopForm.ForEachAsync)
        {
            while (parent is IConversionOperation or IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
            {
                parent = parent.Parent;
            }

            if (parent is not IAwaitOperation awaited)
            {
                return null;
            }

            parent = awaited.Parent;
        }

        return parent is IExpressionStatementOperation statement ? statement.Syntax as StatementSyntax : null;
    }

    /// <summary>The one operation the loop body runs (a lambda's implicit <c>return;</c> ignored), or <see langword="null"/> when it runs more.</summary>
    public static IOperation? GetSingleBodyOperation(Loop loop)
    {
        var operations = loop.Body is IBlockOperation block
            ? block.Operations.Where(o => o is not IReturnOperation { IsImplicit: true, ReturnedValue: null }).ToList()
            : [loop.Body];
        return operations.Count == 1 && operations[0] is IExpressionStatementOperation statement ? statement.Operation : null;
    }

    /// <summary>The source text of an expression, parenthesized when a member access on it would bind differently.</summary>
    public static string ReceiverText(SyntaxNode expression)
    {
        var text = expression.WithoutTrivia().ToString();
        return expression is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or ParenthesizedExpressionSyntax
            or ElementAccessExpressionSyntax or ThisExpressionSyntax or GenericNameSyntax
            ? text
            : "(" + text + ")";
    }

    /// <summary>
    /// Replaces <paramref name="statement"/> with <paramref name="newStatementText"/> (its trivia kept), and imports
    /// <paramref name="importNamespace"/> when the new call would not bind without it.
    /// </summary>
    public static Document ReplaceStatement(Document document, FixInputs inputs, StatementSyntax statement, string newStatementText, string importNamespace)
    {
        var replacement = SyntaxFactory.ParseStatement(newStatementText).WithTriviaFrom(statement);
        var root = inputs.Root.ReplaceNode(statement, replacement);
        if (!BindsWithoutImport(inputs.Model, statement.SpanStart, replacement) && root is CompilationUnitSyntax unit)
        {
            root = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(importNamespace)).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        return document.WithSyntaxRoot(root);
    }

    private static bool BindsWithoutImport(SemanticModel model, int position, StatementSyntax replacement)
    {
        var call = replacement.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
        return call is null || model.GetSpeculativeSymbolInfo(position, call, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol;
    }
}
