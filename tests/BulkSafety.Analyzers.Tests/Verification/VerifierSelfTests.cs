using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// What our wrappers add to the standard harness — the prelude, the references, the <c>.editorconfig</c>, document names,
/// unverified diagnostics, projects, document-scope FixAll, listed fixes — checked with tiny analyzers defined here.
/// </summary>
public sealed class VerifierSelfTests
{
    private const string Snippet = """
        class C
        {
            void Forbidden() { }
            void M() { [|Forbidden|](); }
        }
        """;

    [Fact]
    public Task Analyzer_PreludeIsAvailable_AndCompiles()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync("class C { int M(AppDbContext db) => db.Groups.Count(g => g.IsSpam); }");

    [Fact]
    public Task Analyzer_WithoutEfCore_PreludeTypesDoNotResolve()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(new AnalyzerTestCase("class C { {|CS0246:DbContext|} M() => null!; }") { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task Analyzer_EditorConfigSeverityNone_SilencesTheRule()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(
            Snippet.Replace("[|Forbidden|]", "Forbidden", StringComparison.Ordinal), "dotnet_diagnostic.TEST01.severity = none");

    [Fact]
    public Task Analyzer_DocumentNamedAsGenerated_IsNotAnalyzed()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(
            new AnalyzerTestCase(Snippet.Replace("[|Forbidden|]", "Forbidden", StringComparison.Ordinal)) { DocumentName = _ => "Snippet.g.cs" });

    [Fact]
    public async Task GetDiagnostics_ReturnsTheDiagnosticsWithoutMarkup()
    {
        var diagnostic = Assert.Single(await AnalyzerVerifier<ForbiddenCallAnalyzer>.GetDiagnosticsAsync(new AnalyzerTestCase(Snippet.Replace("[|Forbidden|]", "Forbidden", StringComparison.Ordinal))));
        Assert.Equal("Do not call Forbidden", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GetDiagnostics_AnalyzerException_Fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerVerifier<ThrowingAnalyzer>.GetDiagnosticsAsync(new AnalyzerTestCase("class C { }")));
        Assert.Contains("threw", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateProject_HoldsTheSnippetWithoutMarkup_AndThePrelude()
    {
        var project = await new AnalyzerTestCase(Snippet).CreateProjectAsync();

        Assert.Equal(["Test0.cs", EfCorePrelude.FileName], project.Documents.Select(d => d.Name));
        Assert.DoesNotContain("[|", (await project.Documents.First().GetTextAsync()).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task CodeFix_FixAll_FixesEveryDocumentInScope(FixAllScope scope)
    {
        const string Declarations = "class D { public static void Forbidden() { } public static void Allowed() { } }";
        var before = new AnalyzerTestCase(
            "class C { void M() { D.[|Forbidden|](); D.[|Forbidden|](); } }" + Declarations,
            "class E { void M() { D.[|Forbidden|](); } }");
        var after = new AnalyzerTestCase(
            "class C { void M() { D.Allowed(); D.Allowed(); } }" + Declarations,
            scope == FixAllScope.Project ? "class E { void M() { D.Allowed(); } }" : "class E { void M() { D.[|Forbidden|](); } }");
        return CodeFixVerifier<ForbiddenCallAnalyzer, RenameToAllowedFix>.VerifyFixAllAsync(before, after, scope);
    }

    [Fact]
    public Task CodeFix_NoFixOffered_IsVerifiable()
        => CodeFixVerifier<ForbiddenCallAnalyzer, RenameToAllowedFix>.VerifyNoFixAsync(
            "class C { void Forbidden() { } void M() { [|Forbidden|](); } }", equivalenceKey: "some-other-fix");

    [Fact]
    public async Task CodeFix_OfferedFixes_AreListedWithTheirKeys()
    {
        var fixes = await CodeFixVerifier<ForbiddenCallAnalyzer, RenameToAllowedFix>.GetOfferedFixesAsync(Snippet);

        Assert.Equal([("Call Allowed", "rename-to-allowed")], fixes);
    }

    /// <summary>Reports every call to a method named Forbidden, on the method name.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ForbiddenCallAnalyzer : DiagnosticAnalyzer
    {
        internal static readonly DiagnosticDescriptor Rule = new("TEST01", "Forbidden call", "Do not call Forbidden", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxNodeAction(
                c =>
                {
                    var invocation = (InvocationExpressionSyntax)c.Node;
                    var name = invocation.Expression switch
                    {
                        IdentifierNameSyntax identifier => identifier,
                        MemberAccessExpressionSyntax member => member.Name,
                        _ => null,
                    };
                    if (name?.Identifier.ValueText == "Forbidden")
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rule, name.GetLocation()));
                    }
                },
                SyntaxKind.InvocationExpression);
        }
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [ForbiddenCallAnalyzer.Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxNodeAction(_ => throw new InvalidOperationException("boom"), SyntaxKind.ClassDeclaration);
        }
    }

    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class RenameToAllowedFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => [ForbiddenCallAnalyzer.Rule.Id];

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var name = (SimpleNameSyntax)root!.FindNode(context.Span);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Call Allowed",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(name, SyntaxFactory.IdentifierName("Allowed").WithTriviaFrom(name)))),
                    equivalenceKey: "rename-to-allowed"),
                context.Diagnostics);
        }
    }
}
