using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Testing.Model;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// Verifies an analyzer against markup with the standard <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/>: every
/// expected diagnostic at its exact span, nothing else in any document (the prelude included). Compiler errors fail
/// unless the markup declares them (<c>{|CS1002:|}</c>); analyzer exceptions (AD0001) always fail.
/// <c>[|...|]</c> means the analyzer's first supported diagnostic.
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, string? editorConfig = null)
        => VerifyAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig });

    public static Task VerifyAsync(AnalyzerTestCase testCase) => new Test(testCase).RunAsync();

    /// <summary>Verifies the markup as <see cref="VerifyAsync(AnalyzerTestCase)"/> does and returns the diagnostics, so a test can check messages and severities.</summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAndGetDiagnosticsAsync(AnalyzerTestCase testCase)
    {
        await VerifyAsync(testCase).ConfigureAwait(false);
        return await GetDiagnosticsAsync(testCase).ConfigureAwait(false);
    }

    /// <summary>
    /// The analyzer's diagnostics and the compiler's errors, in source order, without comparing them with markup: for a
    /// test that reads a message. An analyzer exception still fails.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(AnalyzerTestCase testCase)
        => (await new Test(testCase).GetDiagnosticsAsync().ConfigureAwait(false)).Select(d => d.Diagnostic).ToImmutableArray();

    /// <summary>The standard analyzer test, set up from an <see cref="AnalyzerTestCase"/>, that can also hand out its project and diagnostics.</summary>
    internal sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test(AnalyzerTestCase testCase) => testCase.Configure(this);

        /// <summary>The project the test compiles, markup removed (and not read as expectations).</summary>
        public async Task<Project> CreateProjectAsync()
        {
            var state = TestState.WithInheritedValuesApplied(null, []);
            state.MarkupHandling = MarkupMode.Ignore;
            state = state.WithProcessedMarkup(MarkupOptions, null, [], [], DefaultFilePath);
            return await CreateProjectAsync(new EvaluatedProjectState(state, ReferenceAssemblies), [], CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>What the test compares with the markup: the analyzer's diagnostics and the compiler's errors, each with its project.</summary>
        public async Task<ImmutableArray<(Project Project, Diagnostic Diagnostic)>> GetDiagnosticsAsync()
        {
            var project = await CreateProjectAsync().ConfigureAwait(false);
            var diagnostics = await GetSortedDiagnosticsAsync(project.Solution, GetDiagnosticAnalyzers().ToImmutableArray(), [], CompilerDiagnostics, Verify, CancellationToken.None).ConfigureAwait(false);
            var exceptions = diagnostics.Where(d => d.diagnostic.Id == "AD0001").Select(d => d.diagnostic.GetMessage()).ToList();
            Verify.True(exceptions.Count == 0, "An analyzer threw:\n" + string.Join("\n", exceptions));
            return diagnostics;
        }

        protected override Project ApplyCompilationOptions(Project project) => AnalyzerTestCase.WithoutWarnAsErrorMinus(base.ApplyCompilationOptions(project));
    }
}
