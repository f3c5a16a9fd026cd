using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BulkSafety.Analyzers;
using BulkSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BulkSafety.CodeFixes.Rules;

/// <summary>
/// Bounds an unbounded column (BS3001, BS3002): adds <c>[MaxLength(n)]</c> to the property (or gives a bare
/// <c>[MaxLength]</c> its length), or appends <c>.HasMaxLength(n)</c> to the property's fluent <c>Property(...)</c> call
/// when the property is already configured fluently. <c>n</c> comes from <c>.editorconfig</c>
/// (<c>dotnet_code_quality.BS3001.max_length</c>, default 2000) through the diagnostic. No fix where the user chose an
/// unbounded column type or a length SQL Server cannot hold: that is a decision to revisit, not a typo.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedColumnCodeFix)), Shared]
public sealed class UnboundedColumnCodeFix : CodeFixProvider
{
    public const string AddMaxLengthAttributeEquivalenceKey = "BS3001.AddMaxLengthAttribute";
    public const string AppendHasMaxLengthEquivalenceKey = "BS3001.AppendHasMaxLength";

    private const string DataAnnotations = "System.ComponentModel.DataAnnotations";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.UnboundedColumnOnHotRow, DiagnosticIds.UnboundedColumn);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null
                || !diagnostic.Properties.TryGetValue(UnboundedColumnAnalyzer.FixProperty, out var fix)
                || !diagnostic.Properties.TryGetValue(UnboundedColumnAnalyzer.MaxLengthProperty, out var lengthText)
                || !int.TryParse(lengthText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var length))
            {
                continue;
            }

            if (fix == UnboundedColumnAnalyzer.FixAddAttribute
                && root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<PropertyDeclarationSyntax>() is { } property)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Add [MaxLength({length})]", ct => AddAttributeAsync(context.Document, property, length, ct), AddMaxLengthAttributeEquivalenceKey),
                    diagnostic);
            }
            else if (fix == UnboundedColumnAnalyzer.FixAppendHasMaxLength
                && diagnostic.AdditionalLocations.FirstOrDefault() is { SourceTree: { } callTree } callLocation
                && context.Document.Project.Solution.GetDocument(callTree) is { } callDocument)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Add .HasMaxLength({length})", ct => AppendHasMaxLengthAsync(callDocument, callLocation.SourceSpan, length, ct), AppendHasMaxLengthEquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> AddAttributeAsync(Document document, PropertyDeclarationSyntax property, int length, CancellationToken cancellationToken)
    {
        var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var argument = SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(length)))));

        // A bare [MaxLength] gets its length.
        var bare = property.AttributeLists.SelectMany(l => l.Attributes)
            .FirstOrDefault(a => a.ArgumentList is null or { Arguments.Count: 0 } && IsMaxLength(model.GetTypeInfo(a, cancellationToken).Type));
        if (bare is not null)
        {
            return document.WithSyntaxRoot(root.ReplaceNode(bare, bare.WithArgumentList(argument)));
        }

        var resolved = model.GetSpeculativeTypeInfo(property.SpanStart, SyntaxFactory.ParseTypeName("MaxLengthAttribute"), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
        var needsUsing = resolved is null or IErrorTypeSymbol;
        var name = needsUsing || IsMaxLength(resolved) ? "MaxLength" : DataAnnotations + ".MaxLength";
        // The attribute takes the property's place (its comments and indentation) and puts the property on the next line.
        var leading = property.GetLeadingTrivia();
        var indentation = leading.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
        // The line ends as the file's lines do: the formatter leaves this trivia alone, so a CRLF would stay in an LF file.
        var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName(name), argument)))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : SyntaxFactory.ElasticCarriageReturnLineFeed);
        var newProperty = property
            .WithLeadingTrivia(indentation == default ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(indentation))
            .WithAttributeLists(property.AttributeLists.Insert(0, attribute));
        var newRoot = root.ReplaceNode(property, newProperty);
        if (needsUsing && newRoot is CompilationUnitSyntax unit && unit.Usings.All(u => u.Name?.ToString() != DataAnnotations))
        {
            newRoot = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(DataAnnotations)).NormalizeWhitespace().WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        return document.WithSyntaxRoot(newRoot);
    }

    private static bool IsMaxLength(ITypeSymbol? type) => type?.ToDisplayString() == DataAnnotations + ".MaxLengthAttribute";

    private static async Task<Solution> AppendHasMaxLengthAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, int length, CancellationToken cancellationToken)
    {
        var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        if (root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call)
        {
            return document.Project.Solution;
        }

        var bounded = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, call.WithoutTrailingTrivia(), SyntaxFactory.IdentifierName("HasMaxLength")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(length))))))
            .WithTrailingTrivia(call.GetTrailingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(call, bounded)).Project.Solution;
    }
}
