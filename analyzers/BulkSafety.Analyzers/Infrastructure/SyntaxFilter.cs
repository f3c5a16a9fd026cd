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
}
