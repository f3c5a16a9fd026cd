using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace BulkSafety.Corpus;

/// <summary>
/// Finds where a case lives: the spans of its member in its file. A member is <c>Type.Member</c> (a method,
/// property, field, event, constructor — named like its type —, or a positional record parameter; overloads count
/// together), <c>Outer.Inner.Member</c> for nested types, or <c>Type</c> alone for the whole type. Namespaces are
/// not written. A case that names a file or member that does not exist is an error, never a silent no-flag.
/// </summary>
public static class CaseLocator
{
    public static string TreePath(CorpusApp app, CorpusProject project, CorpusCase @case)
        => $"{app.Directory}/{project.Directory}/{@case.File}";

    public static IReadOnlyList<TextSpan> Locate(SyntaxTree tree, CorpusCase @case)
    {
        var parts = @case.Member.Split('.');
        var root = tree.GetRoot();
        var typesNamed = root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Where(t => EndsWith(t, parts)).ToList();
        if (typesNamed.Count > 0)
        {
            return typesNamed.Select(t => t.Span).ToList();
        }

        var typePath = parts[..^1];
        var member = parts[^1];
        var spans = root.DescendantNodes().OfType<TypeDeclarationSyntax>()
            .Where(t => typePath.Length > 0 && EndsWith(t, typePath))
            .SelectMany(t => MemberSpans(t, member))
            .ToList();
        return spans.Count > 0
            ? spans
            : throw new InvalidDataException($"Case {@case.Id}: no member '{@case.Member}' in {tree.FilePath}.");
    }

    private static IEnumerable<TextSpan> MemberSpans(TypeDeclarationSyntax type, string name)
    {
        foreach (var member in type.Members)
        {
            var matches = member switch
            {
                MethodDeclarationSyntax m => m.Identifier.Text == name,
                PropertyDeclarationSyntax p => p.Identifier.Text == name,
                ConstructorDeclarationSyntax c => c.Identifier.Text == name,
                EventDeclarationSyntax e => e.Identifier.Text == name,
                BaseFieldDeclarationSyntax f => f.Declaration.Variables.Any(v => v.Identifier.Text == name),
                _ => false,
            };
            if (matches)
            {
                yield return member.Span;
            }
        }

        if (type.ParameterList is { } parameters)
        {
            foreach (var parameter in parameters.Parameters.Where(p => p.Identifier.Text == name))
            {
                yield return parameter.Span;
            }
        }
    }

    /// <summary>True when the type's nesting chain ends with <paramref name="path"/> (innermost last).</summary>
    private static bool EndsWith(BaseTypeDeclarationSyntax type, string[] path)
    {
        SyntaxNode? node = type;
        for (var i = path.Length - 1; i >= 0; i--)
        {
            if (node is not BaseTypeDeclarationSyntax declaration || declaration.Identifier.Text != path[i])
            {
                return false;
            }

            node = declaration.Parent;
        }

        return true;
    }
}
