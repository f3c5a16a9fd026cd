using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// The cheap first test of every loop rule: the name a call is written with, read from syntax. Rules register syntax
/// node actions, reject almost every call by name here, and ask the semantic model for an operation tree only for the
/// few candidates — instead of having the analyzer driver build operation trees for every method body (measured in
/// docs/performance.md).
/// </summary>
internal static class SyntaxFilter
{
    /// <summary>The invoked method's simple name as written (<c>Remove</c> in <c>db.Groups.Remove(g)</c>, <c>Set</c> in <c>Set&lt;T&gt;()</c>), or null.</summary>
    public static string? GetInvokedName(InvocationExpressionSyntax invocation)
        => invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

    /// <summary>
    /// Whether the node sits in a loop statement or a lambda of its member: only there can a call run once per element.
    /// Conservative: any lambda counts, since <c>ForEach(x =&gt; ...)</c> and <c>Select(x =&gt; ...)</c> are loops.
    /// </summary>
    public static bool IsInLoopOrLambda(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case CommonForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or AnonymousFunctionExpressionSyntax:
                    return true;
                case MemberDeclarationSyntax or LocalFunctionStatementSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a loop body (a statement, or a lambda's body) only assigns members: every statement is an assignment or an
    /// increment/decrement of <c>x.Member</c>, or a call that <paramref name="isUpdateCall"/> accepts by name (an
    /// <c>Update(x)</c> that marks the element modified), optionally followed by <c>return x;</c> (for <c>Select</c>).
    /// </summary>
    public static bool OnlyAssigns(SyntaxNode? body, Func<string, bool> isUpdateCall)
    {
        bool IsAllowed(StatementSyntax statement)
            => IsAssignmentStatement(statement)
                || (statement is ExpressionStatementSyntax { Expression: var expression }
                    && (expression is AwaitExpressionSyntax awaited ? awaited.Expression : expression) is InvocationExpressionSyntax call
                    && GetInvokedName(call) is { } name && isUpdateCall(name));

        return body switch
        {
            BlockSyntax block => block.Statements.Count > 0
                && block.Statements.Take(block.Statements.Count - 1).All(IsAllowed)
                && (IsAllowed(block.Statements[block.Statements.Count - 1]) || (block.Statements.Count > 1 && block.Statements[block.Statements.Count - 1] is ReturnStatementSyntax)),
            StatementSyntax statement => IsAllowed(statement),
            ExpressionSyntax expression => IsAssignment(expression),
            _ => false,
        };
    }

    /// <summary>The body of the first lambda argument, if any.</summary>
    public static SyntaxNode? GetLambdaBody(InvocationExpressionSyntax invocation)
        => invocation.ArgumentList.Arguments.Select(a => a.Expression).OfType<AnonymousFunctionExpressionSyntax>().FirstOrDefault()?.Body;

    private static bool IsAssignmentStatement(StatementSyntax statement)
        => statement is ExpressionStatementSyntax { Expression: { } expression } && IsAssignment(expression);

    // An assignment, increment or decrement of a member (x.Score = 0, x.Score++): a local's (total += x) is not a column.
    private static bool IsAssignment(ExpressionSyntax expression)
        => expression switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left is MemberAccessExpressionSyntax,
            PostfixUnaryExpressionSyntax postfix => postfix.Operand is MemberAccessExpressionSyntax,
            PrefixUnaryExpressionSyntax prefix => prefix.Operand is MemberAccessExpressionSyntax
                && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)),
            _ => false,
        };
}
