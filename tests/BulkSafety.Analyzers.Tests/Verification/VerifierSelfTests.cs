using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>The verifier's own contract, checked with tiny analyzers defined here.</summary>
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
    public void Markup_NestedAndIdentifiedSpans_AreParsedToCleanSourceAndSpans()
    {
        var (source, expected) = TestMarkup.Parse("a[|b{|BS9:c|}d|]e{|CS1002:|}");

        Assert.Equal("abcde", source);
        Assert.Equal(
            [new ExpectedDiagnostic("BS9", new(2, 1)), new ExpectedDiagnostic(null, new(1, 3)), new ExpectedDiagnostic("CS1002", new(5, 0))],
            expected);
    }

    [Theory]
    [InlineData("a[|b")]
    [InlineData("a|]b")]
    [InlineData("a[|b|}")]
    public void Markup_Unbalanced_IsRejected(string markup)
        => Assert.Throws<FormatException>(() => TestMarkup.Parse(markup));

    [Fact]
    public Task Analyzer_ExactSpan_Passes()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(Snippet);

    [Fact]
    public Task Analyzer_ExplicitId_IsTheSameAsDefaultMarkup()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(Snippet.Replace("[|Forbidden|]", "{|TEST01:Forbidden|}", StringComparison.Ordinal));

    [Fact]
    public Task Analyzer_WrongSpan_Fails()
        => Assert.ThrowsAsync<TrueException>(() => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(
            Snippet.Replace("[|Forbidden|]()", "[|Forbidden()|]", StringComparison.Ordinal)));

    [Fact]
    public Task Analyzer_UnexpectedDiagnostic_Fails()
        => Assert.ThrowsAsync<TrueException>(() => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(
            Snippet.Replace("[|Forbidden|]", "Forbidden", StringComparison.Ordinal)));

    [Fact]
    public Task Analyzer_MissingDiagnostic_Fails()
        => Assert.ThrowsAsync<TrueException>(() => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync(
            "class C { void M() { [|M|](); } }"));

    [Fact]
    public Task Analyzer_UndeclaredCompilerError_Fails()
        => Assert.ThrowsAsync<TrueException>(() => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync("class C { void M() { Missing(); } }"));

    [Fact]
    public Task Analyzer_DeclaredCompilerError_Passes()
        => AnalyzerVerifier<ForbiddenCallAnalyzer>.VerifyAsync("class C { void M() { {|CS0103:Missing|}(); } }");

    [Fact]
    public async Task Analyzer_Exception_FailsEvenWithMatchingMarkup()
    {
        var failure = await Assert.ThrowsAsync<TrueException>(() => AnalyzerVerifier<ThrowingAnalyzer>.VerifyAsync("class C { }"));
        Assert.Contains("threw", failure.Message, StringComparison.Ordinal);
    }

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
    public Task CodeFix_AppliedPerDiagnostic_ProducesExpectedSource()
        => CodeFixVerifier<ForbiddenCallAnalyzer, RenameToAllowedFix>.VerifyFixAsync(
            "class C { void Forbidden() { } void Allowed() { } void M() { [|Forbidden|](); [|Forbidden|](); } }",
            "class C { void Forbidden() { } void Allowed() { } void M() { Allowed(); Allowed(); } }");

    [Fact]
    public Task CodeFix_WrongExpectedSource_Fails()
        => Assert.ThrowsAnyAsync<XunitException>(() => CodeFixVerifier<ForbiddenCallAnalyzer, RenameToAllowedFix>.VerifyFixAsync(
            "class C { void Forbidden() { } void Allowed() { } void M() { [|Forbidden|](); } }",
            "class C { void Forbidden() { } void Allowed() { } void M() { Forbidden(); } }"));

    [Fact]
    public Task CodeFix_ResultThatDoesNotCompile_Fails()
        => Assert.ThrowsAsync<TrueException>(() => CodeFixVerifier<ForbiddenCallAnalyzer, RenameToAllowedFix>.VerifyFixAsync(
            "class C { void Forbidden() { } void M() { [|Forbidden|](); } }",
            "class C { void Forbidden() { } void M() { Allowed(); } }"));

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
