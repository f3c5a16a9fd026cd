using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// Verifies an analyzer against markup (see <see cref="TestMarkup"/>): every expected diagnostic at its exact span,
/// nothing else. Compiler errors fail unless the markup declares them (<c>{|CS1002:|}</c>); analyzer exceptions
/// always fail. <c>[|...|]</c> means the analyzer's first supported diagnostic.
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static string DefaultId { get; } = new TAnalyzer().SupportedDiagnostics[0].Id;

    public static Task VerifyAsync(string markup, string? editorConfig = null)
        => VerifyAsync(new AnalyzerTestCase(markup) { EditorConfig = editorConfig });

    public static Task VerifyAsync(AnalyzerTestCase testCase) => VerifyAndGetDiagnosticsAsync(testCase);

    /// <summary>Verifies the markup as <see cref="VerifyAsync(AnalyzerTestCase)"/> does and returns the diagnostics, so a test can check messages and severities.</summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAndGetDiagnosticsAsync(AnalyzerTestCase testCase)
    {
        var (project, documents) = testCase.CreateProject();
        var diagnostics = await DiagnosticRunner.GetDiagnosticsAsync(project, Analyzers).ConfigureAwait(false);
        await DiagnosticRunner.AssertMatchesAsync(project, documents, diagnostics, DefaultId).ConfigureAwait(false);
        return diagnostics;
    }

    internal static ImmutableArray<DiagnosticAnalyzer> Analyzers => ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer());
}
