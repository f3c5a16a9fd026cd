using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// Verifies a code fix with the standard <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/>: the input's
/// diagnostics match its markup; the fix (chosen by equivalence key, else the first offered) is applied one diagnostic
/// at a time, as a user would, and through FixAll; each result equals the expected source, compiles, and has exactly
/// the diagnostics the expected markup declares.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task VerifyFixAsync(string markup, string fixedMarkup, string? equivalenceKey = null, string? editorConfig = null)
        => VerifyFixAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig }, new AnalyzerTestCase(fixedMarkup) { EditorConfig = editorConfig }, equivalenceKey);

    /// <summary>One by one and through FixAll, the fix turns <paramref name="before"/> into <paramref name="after"/>.</summary>
    /// <param name="iterations">
    /// How many applications, one by one and of FixAll, reach <paramref name="after"/>, for a fix whose result still has
    /// the diagnostic; by default the harness allows one application per diagnostic (and one FixAll).
    /// </param>
    public static Task VerifyFixAsync(AnalyzerTestCase before, AnalyzerTestCase after, string? equivalenceKey = null, int? iterations = null)
        => new Test(before, after, equivalenceKey) { NumberOfIncrementalIterations = iterations, NumberOfFixAllIterations = iterations }.RunAsync();

    /// <summary>
    /// FixAll in <paramref name="scope"/> turns <paramref name="before"/> into <paramref name="after"/>. In document scope,
    /// that is the first test document's FixAll: the other documents keep their diagnostics.
    /// </summary>
    public static Task VerifyFixAllAsync(AnalyzerTestCase before, AnalyzerTestCase after, FixAllScope scope, string? equivalenceKey = null)
        => new Test(before, after, equivalenceKey)
        {
            CodeFixTestBehaviors = scope switch
            {
                FixAllScope.Document => CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck,
                FixAllScope.Project => CodeFixTestBehaviors.SkipFixAllInDocumentCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck,
                FixAllScope.Solution => CodeFixTestBehaviors.SkipFixAllInDocumentCheck | CodeFixTestBehaviors.SkipFixAllInProjectCheck,
                _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "FixAll is verified in document, project or solution scope."),
            },
            FixedDocumentPath = scope == FixAllScope.Document ? before.DocumentPath(0) : null,
        }.RunAsync();

    /// <summary>The diagnostics match the markup, and no fix (or none with <paramref name="equivalenceKey"/>) is offered for any of them.</summary>
    public static Task VerifyNoFixAsync(string markup, string? equivalenceKey = null, string? editorConfig = null)
    {
        var testCase = new AnalyzerTestCase(markup) { EditorConfig = editorConfig };

        // FixAll starts from an offered fix: with none offered there is nothing more to run.
        return new Test(testCase, testCase, equivalenceKey) { CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllCheck }.RunAsync();
    }

    /// <summary>The titles and equivalence keys of the fixes offered for the first fixable diagnostic.</summary>
    public static Task<IReadOnlyList<(string Title, string? EquivalenceKey)>> GetOfferedFixesAsync(string markup, string? editorConfig = null)
        => GetOfferedFixesAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig });

    /// <inheritdoc cref="GetOfferedFixesAsync(string, string?)"/>
    /// <remarks>The standard harness applies fixes but cannot list them; this is what fix-ordering tests need.</remarks>
    public static async Task<IReadOnlyList<(string Title, string? EquivalenceKey)>> GetOfferedFixesAsync(AnalyzerTestCase testCase)
    {
        await AnalyzerVerifier<TAnalyzer>.VerifyAsync(testCase).ConfigureAwait(false);
        var fixer = new TCodeFix();
        var diagnostics = await new AnalyzerVerifier<TAnalyzer>.Test(testCase).GetDiagnosticsAsync().ConfigureAwait(false);
        foreach (var (project, diagnostic) in diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Diagnostic.Id)))
        {
            var actions = new List<CodeAction>();
            var document = project.GetDocument(diagnostic.Location.SourceTree)!;
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None)).ConfigureAwait(false);
            if (actions.Count > 0)
            {
                return actions.Select(a => (a.Title, a.EquivalenceKey)).ToList();
            }
        }

        return [];
    }

    /// <summary>The standard code-fix test, its input and expected states set up from two <see cref="AnalyzerTestCase"/>s.</summary>
    private sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test(AnalyzerTestCase before, AnalyzerTestCase after, string? equivalenceKey)
        {
            before.Configure(this);
            after.ApplyTo(FixedState);
            CodeActionEquivalenceKey = equivalenceKey;

            // A wider FixAll scope only repeats a narrower one when it holds nothing more: the test solution is one
            // project, and with one test document the project holds no other diagnostics (the prelude has none).
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllInSolutionCheck
                | (before.Sources.Count == 1 ? CodeFixTestBehaviors.SkipFixAllInProjectCheck : CodeFixTestBehaviors.None);
        }

        /// <summary>
        /// When set, fixes are offered only in this document. The harness checks the one-by-one fixes against the same
        /// expected state as FixAll, so for a document-scope FixAll both must stay in the document FixAll starts from.
        /// </summary>
        public string? FixedDocumentPath { get; init; }

        protected override Project ApplyCompilationOptions(Project project) => AnalyzerTestCase.WithoutWarnAsErrorMinus(base.ApplyCompilationOptions(project));

        protected override CodeFixContext CreateCodeFixContext(
            Document document, TextSpan span, ImmutableArray<Diagnostic> diagnostics, Action<CodeAction, ImmutableArray<Diagnostic>> registerCodeFix, CancellationToken cancellationToken)
            => base.CreateCodeFixContext(
                document, span, diagnostics, FixedDocumentPath is null || document.FilePath == FixedDocumentPath ? registerCodeFix : (_, _) => { }, cancellationToken);
    }
}
