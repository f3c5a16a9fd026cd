using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BulkSafety.CodeFixes.Infrastructure;

/// <summary>
/// BulkSafety's batched, paced bulk API (<c>BulkSafety.SafePaths.BatchedQueryableExtensions</c>), as the fixes that
/// offer it need to know it: whether the compilation references it, and whether a statement may await it.
/// </summary>
internal static class BatchedApi
{
    /// <summary>The namespace a fixed file imports to call the API.</summary>
    public const string Namespace = "BulkSafety.SafePaths";

    public const string DeleteInBatchesAsync = nameof(DeleteInBatchesAsync);

    public const string UpdateInBatchesAsync = nameof(UpdateInBatchesAsync);

    private const string ExtensionsTypeName = Namespace + ".BatchedQueryableExtensions";

    /// <summary>Whether the compilation can call the API's extension method <paramref name="name"/> (it references the BulkSafety runtime).</summary>
    public static bool IsAvailable(Compilation compilation, string name)
        => compilation.GetTypeByMetadataName(ExtensionsTypeName) is { } extensions
            && compilation.IsSymbolAccessibleWithin(extensions, compilation.Assembly)
            && extensions.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.IsExtensionMethod && m.DeclaredAccessibility == Accessibility.Public);

    /// <summary>
    /// Whether <paramref name="statement"/> may be replaced by an <c>await</c>: it is in an async method, local function
    /// or lambda (or in top-level statements), and not in a <c>lock</c> or <c>unsafe</c> block. The API is async-only,
    /// and making a method async would change its signature for every caller.
    /// </summary>
    public static bool CanAwaitAt(StatementSyntax statement)
    {
        for (var node = statement.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case LockStatementSyntax or UnsafeStatementSyntax:
                    return false;
                case AnonymousFunctionExpressionSyntax function:
                    return function.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case GlobalStatementSyntax:
                    return true;
                case MemberDeclarationSyntax:
                    // Constructors, accessors, operators: never async.
                    return false;
            }
        }

        return false;
    }
}
