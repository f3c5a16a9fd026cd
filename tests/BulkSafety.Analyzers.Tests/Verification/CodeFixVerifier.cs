using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// Verifies a code fix: the input's diagnostics match its markup; the fix (chosen by equivalence key, else the first
/// offered) is applied one diagnostic at a time, as a user would, or once through FixAll in a scope; the result
/// equals the expected source, compiles, and has exactly the diagnostics the expected markup declares.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private const int MaxIterations = 50;

    public static Task VerifyFixAsync(string markup, string fixedMarkup, string? equivalenceKey = null, string? editorConfig = null)
        => VerifyFixAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig }, new AnalyzerTestCase(fixedMarkup) { EditorConfig = editorConfig }, equivalenceKey);

    public static async Task VerifyFixAsync(AnalyzerTestCase before, AnalyzerTestCase after, string? equivalenceKey = null)
    {
        var (project, documents) = await CreateVerifiedProjectAsync(before).ConfigureAwait(false);
        var fixer = new TCodeFix();
        for (var iteration = 0; ; iteration++)
        {
            Assert.True(iteration < MaxIterations, $"The fix was still offered after {MaxIterations} applications.");
            var action = await FindFirstActionAsync(project, documents, fixer, equivalenceKey).ConfigureAwait(false);
            if (action is null)
            {
                break;
            }

            project = await ApplyAsync(project, action).ConfigureAwait(false);
        }

        await AssertResultAsync(project, documents, after).ConfigureAwait(false);
    }

    public static async Task VerifyFixAllAsync(AnalyzerTestCase before, AnalyzerTestCase after, FixAllScope scope, string? equivalenceKey = null)
    {
        var (project, documents) = await CreateVerifiedProjectAsync(before).ConfigureAwait(false);
        var fixer = new TCodeFix();
        var first = await FindFirstActionAsync(project, documents, fixer, equivalenceKey).ConfigureAwait(false);
        Assert.True(first is not null, "No fix is offered for the first diagnostic.");
        var fixAllProvider = fixer.GetFixAllProvider();
        Assert.True(fixAllProvider is not null, $"{typeof(TCodeFix).Name} has no FixAll provider.");
        Assert.Contains(scope, fixAllProvider.GetSupportedFixAllScopes());

        var context = new FixAllContext(
            project.GetDocument(documents[0].Document)!,
            fixer,
            scope,
            first.EquivalenceKey,
            fixer.FixableDiagnosticIds,
            new AnalyzerDiagnosticProvider(AnalyzerVerifier<TAnalyzer>.Analyzers),
            CancellationToken.None);
        var fixAll = await fixAllProvider.GetFixAsync(context).ConfigureAwait(false);
        Assert.True(fixAll is not null, "FixAll produced no action.");
        project = await ApplyAsync(project, fixAll).ConfigureAwait(false);
        await AssertResultAsync(project, documents, after).ConfigureAwait(false);
    }

    /// <summary>The diagnostics match the markup, and no fix (or none with <paramref name="equivalenceKey"/>) is offered for any of them.</summary>
    public static async Task VerifyNoFixAsync(string markup, string? equivalenceKey = null, string? editorConfig = null)
    {
        var (project, documents) = await CreateVerifiedProjectAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig }).ConfigureAwait(false);
        var action = await FindFirstActionAsync(project, documents, new TCodeFix(), equivalenceKey).ConfigureAwait(false);
        Assert.True(action is null, $"A fix was offered: '{action?.Title}' ({action?.EquivalenceKey}).");
    }

    /// <summary>The titles and equivalence keys of the fixes offered for the first fixable diagnostic.</summary>
    public static Task<IReadOnlyList<(string Title, string? EquivalenceKey)>> GetOfferedFixesAsync(string markup, string? editorConfig = null)
        => GetOfferedFixesAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig });

    /// <inheritdoc cref="GetOfferedFixesAsync(string, string?)"/>
    public static async Task<IReadOnlyList<(string Title, string? EquivalenceKey)>> GetOfferedFixesAsync(AnalyzerTestCase testCase)
    {
        var (project, documents) = await CreateVerifiedProjectAsync(testCase).ConfigureAwait(false);
        var fixer = new TCodeFix();
        foreach (var diagnostic in await GetFixableDiagnosticsAsync(project, documents, fixer).ConfigureAwait(false))
        {
            var actions = await GetActionsAsync(project, diagnostic, fixer).ConfigureAwait(false);
            if (actions.Count > 0)
            {
                return actions.Select(a => (a.Title, a.EquivalenceKey)).ToList();
            }
        }

        return [];
    }

    private static async Task<(Project, ImmutableArray<(DocumentId Document, IReadOnlyList<ExpectedDiagnostic> Expected)>)> CreateVerifiedProjectAsync(AnalyzerTestCase testCase)
    {
        var (project, documents) = testCase.CreateProject();
        var diagnostics = await DiagnosticRunner.GetDiagnosticsAsync(project, AnalyzerVerifier<TAnalyzer>.Analyzers).ConfigureAwait(false);
        await DiagnosticRunner.AssertMatchesAsync(project, documents, diagnostics, AnalyzerVerifier<TAnalyzer>.DefaultId).ConfigureAwait(false);
        return (project, documents);
    }

    private static async Task<CodeAction?> FindFirstActionAsync(
        Project project, ImmutableArray<(DocumentId Document, IReadOnlyList<ExpectedDiagnostic> Expected)> documents, CodeFixProvider fixer, string? equivalenceKey)
    {
        foreach (var diagnostic in await GetFixableDiagnosticsAsync(project, documents, fixer).ConfigureAwait(false))
        {
            var actions = await GetActionsAsync(project, diagnostic, fixer).ConfigureAwait(false);
            var action = actions.FirstOrDefault(a => equivalenceKey is null || a.EquivalenceKey == equivalenceKey);
            if (action is not null)
            {
                return action;
            }
        }

        return null;
    }

    private static async Task<IEnumerable<Diagnostic>> GetFixableDiagnosticsAsync(
        Project project, ImmutableArray<(DocumentId Document, IReadOnlyList<ExpectedDiagnostic> Expected)> documents, CodeFixProvider fixer)
    {
        var testPaths = documents.Select(d => project.GetDocument(d.Document)!.FilePath).ToHashSet(StringComparer.Ordinal);
        var diagnostics = await DiagnosticRunner.GetDiagnosticsAsync(project, AnalyzerVerifier<TAnalyzer>.Analyzers).ConfigureAwait(false);
        return diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id) && testPaths.Contains(d.Location.SourceTree?.FilePath));
    }

    private static async Task<List<CodeAction>> GetActionsAsync(Project project, Diagnostic diagnostic, CodeFixProvider fixer)
    {
        var document = project.GetDocument(diagnostic.Location.SourceTree)!;
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return actions;
    }

    private static async Task<Project> ApplyAsync(Project project, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetProject(project.Id)!;
    }

    private static async Task AssertResultAsync(
        Project fixedProject, ImmutableArray<(DocumentId Document, IReadOnlyList<ExpectedDiagnostic> Expected)> documents, AnalyzerTestCase after)
    {
        var (expectedProject, expectedDocuments) = after.CreateProject();
        Assert.Equal(expectedDocuments.Length, documents.Length);
        for (var i = 0; i < documents.Length; i++)
        {
            var expectedText = (await expectedProject.GetDocument(expectedDocuments[i].Document)!.GetTextAsync().ConfigureAwait(false)).ToString();
            var actualText = (await fixedProject.GetDocument(documents[i].Document)!.GetTextAsync().ConfigureAwait(false)).ToString();
            Assert.Equal(Normalize(expectedText), Normalize(actualText));
        }

        // The fixed code compiles and carries exactly the diagnostics the expected markup declares.
        var remaining = await DiagnosticRunner.GetDiagnosticsAsync(fixedProject, AnalyzerVerifier<TAnalyzer>.Analyzers).ConfigureAwait(false);
        var remapped = documents.Select((d, i) => (d.Document, expectedDocuments[i].Expected)).ToImmutableArray();
        await DiagnosticRunner.AssertMatchesAsync(fixedProject, remapped, remaining, AnalyzerVerifier<TAnalyzer>.DefaultId).ConfigureAwait(false);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private sealed class AnalyzerDiagnosticProvider(ImmutableArray<DiagnosticAnalyzer> analyzers) : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var all = await DiagnosticRunner.GetDiagnosticsAsync(document.Project, analyzers).ConfigureAwait(false);
            return all.Where(d => d.Location.SourceTree?.FilePath == document.FilePath);
        }

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var all = await DiagnosticRunner.GetDiagnosticsAsync(project, analyzers).ConfigureAwait(false);
            return all.Where(d => !d.Location.IsInSource);
        }

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => DiagnosticRunner.GetDiagnosticsAsync(project, analyzers).ContinueWith(t => t.Result.AsEnumerable(), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }
}
