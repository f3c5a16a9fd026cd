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
/// BS1002 fix: move the <c>SaveChanges[Async]</c> statement from the end of the loop body to right after the loop, so
/// the loop's changes are saved in one unit of work. Offered only when nothing in the loop can observe the difference:
/// the save is a statement of its own whose result is discarded, it is the last statement of a statement loop's
/// block, the body holds no <c>return</c>, <c>yield</c>, <c>goto</c>, <c>throw</c>, or <c>break</c>/<c>continue</c> of
/// this loop, and the context and arguments do not use variables of the loop. When the loop is already followed by
/// the same save, the one in the loop is simply removed. A batched alternative can be added as a second action.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SaveChangesInLoopCodeFix)), Shared]
public sealed class SaveChangesInLoopCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of "Save once after the loop".</summary>
    public const string MoveAfterLoopEquivalenceKey = "BS1002.MoveAfterLoop";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SaveChangesInLoop);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var inputs = await FixInputs.LoadAsync(context.Document, diagnostic.Location.SourceSpan, DiagnosticIds.SaveChangesInLoop, context.CancellationToken).ConfigureAwait(false);
            if (inputs?.Operation is not IInvocationOperation invocation
                || !SaveChangesInLoopAnalyzer.TryMatch(invocation, inputs.Symbols, inputs.SmallSetMax, inputs.Facts, out var match)
                || TryPlanMove(match, inputs) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Call {invocation.TargetMethod.Name} once after the loop",
                    _ => Task.FromResult(document.WithSyntaxRoot(plan.Apply(inputs.Root))),
                    MoveAfterLoopEquivalenceKey),
                diagnostic);
        }
    }

    private static MovePlan? TryPlanMove(SaveChangesInLoop match, FixInputs inputs)
    {
        if (!match.Loop.IsStatement
            || match.Loop.Operation.Syntax is not StatementSyntax loopStatement
            || loopStatement.Parent is not (BlockSyntax or SwitchSectionSyntax)
            || GetBody(loopStatement) is not BlockSyntax { Statements.Count: > 0 } body
            || GetStatement(match.SaveChanges) is not { } saveStatement
            || body.Statements.Last() != saveStatement
            || HasJumpOutOfIteration(body, loopStatement)
            || UsesLoopVariables(saveStatement, loopStatement, inputs.Model))
        {
            return null;
        }

        var siblings = loopStatement.Parent is BlockSyntax block ? block.Statements : ((SwitchSectionSyntax)loopStatement.Parent).Statements;
        var index = siblings.IndexOf(loopStatement);
        var alreadySavedAfter = index + 1 < siblings.Count && siblings[index + 1].IsEquivalentTo(saveStatement, topLevel: false);
        return new MovePlan(loopStatement, body, saveStatement, alreadySavedAfter);
    }

    // The expression statement that is exactly the (awaited) save, its result discarded.
    private static ExpressionStatementSyntax? GetStatement(IInvocationOperation saveChanges)
    {
        IOperation current = saveChanges;
        while (current.Parent is IConversionOperation or IAwaitOperation or IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
        {
            current = current.Parent;
        }

        return current.Parent is IExpressionStatementOperation statement ? statement.Syntax as ExpressionStatementSyntax : null;
    }

    private static StatementSyntax? GetBody(StatementSyntax loop)
        => loop switch
        {
            CommonForEachStatementSyntax forEach => forEach.Statement,
            ForStatementSyntax forLoop => forLoop.Statement,
            WhileStatementSyntax whileLoop => whileLoop.Statement,
            DoStatementSyntax doLoop => doLoop.Statement,
            _ => null,
        };

    private static bool HasJumpOutOfIteration(BlockSyntax body, StatementSyntax loop)
    {
        foreach (var node in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case ReturnStatementSyntax or YieldStatementSyntax or GotoStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax:
                    return true;
                case BreakStatementSyntax or ContinueStatementSyntax:
                    var target = node.Ancestors().FirstOrDefault(a => a is CommonForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                        || (a is SwitchStatementSyntax && node is BreakStatementSyntax));
                    if (target == loop)
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    // After the loop, the save must still bind: no loop variable or local of the body in the context or the arguments.
    private static bool UsesLoopVariables(ExpressionStatementSyntax save, StatementSyntax loop, SemanticModel model)
        => save.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name =>
            model.GetSymbolInfo(name).Symbol is ILocalSymbol local
            && local.DeclaringSyntaxReferences.Any(r => loop.Span.Contains(r.Span)));

    private sealed class MovePlan(StatementSyntax loop, BlockSyntax body, ExpressionStatementSyntax save, bool alreadySavedAfter)
    {
        public SyntaxNode Apply(SyntaxNode root)
        {
            var newBody = body.RemoveNode(save, SyntaxRemoveOptions.KeepNoTrivia)!;
            var newLoop = loop.ReplaceNode(body, newBody);
            if (alreadySavedAfter)
            {
                return root.ReplaceNode(loop, newLoop);
            }

            // The loop's own indentation, and the line end the save had.
            var indentation = loop.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            var moved = save.WithLeadingTrivia(indentation == default ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(indentation))
                .WithTrailingTrivia(save.GetTrailingTrivia());
            return root.ReplaceNode(loop, new SyntaxNode[] { newLoop, moved });
        }
    }
}
