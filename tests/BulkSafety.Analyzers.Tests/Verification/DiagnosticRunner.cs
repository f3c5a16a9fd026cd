using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>Runs analyzers over a project the way the compiler does and collects what a test may compare.</summary>
internal static class DiagnosticRunner
{
    /// <summary>
    /// The analyzers' diagnostics plus the compiler's errors, in source order. An analyzer exception (AD0001) fails
    /// the test at once, whatever the markup says.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            onAnalyzerException: (exception, analyzer, _) => { lock (exceptions) { exceptions.Add($"{analyzer.GetType().Name}: {exception}"); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var analyzerDiagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);

        var analyzerFailures = analyzerDiagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).Concat(exceptions).ToList();
        Assert.True(analyzerFailures.Count == 0, "An analyzer threw:\n" + string.Join("\n", analyzerFailures));

        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
            .Concat(analyzerDiagnostics)
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    /// <summary>
    /// Compares the diagnostics of each test document with its markup (exact IDs and spans). Diagnostics anywhere
    /// else (the prelude) are never expected. On mismatch the failure shows both as markup.
    /// </summary>
    public static async Task AssertMatchesAsync(
        Project project,
        ImmutableArray<(DocumentId Document, IReadOnlyList<ExpectedDiagnostic> Expected)> documents,
        ImmutableArray<Diagnostic> actual,
        string defaultId)
    {
        var testPaths = new HashSet<string>(StringComparer.Ordinal);
        var failures = new StringBuilder();
        foreach (var (documentId, expected) in documents)
        {
            var document = project.GetDocument(documentId)!;
            testPaths.Add(document.FilePath!);
            var text = await document.GetTextAsync().ConfigureAwait(false);
            var expectedSet = expected.Select(e => (Id: e.Id ?? defaultId, e.Span)).OrderBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
            var actualSet = actual.Where(d => d.Location.SourceTree?.FilePath == document.FilePath)
                .Select(d => (d.Id, Span: d.Location.SourceSpan)).ToList();
            if (!expectedSet.SequenceEqual(actualSet))
            {
                failures.AppendLine($"{document.Name}: diagnostics differ from the markup.")
                    .AppendLine("Expected:").AppendLine(Render(text, expectedSet, defaultId))
                    .AppendLine("Actual:").AppendLine(Render(text, actualSet, defaultId))
                    .AppendLine("Messages:");
                foreach (var diagnostic in actual.Where(d => d.Location.SourceTree?.FilePath == document.FilePath))
                {
                    failures.AppendLine($"  {diagnostic.Id} {diagnostic.Location.GetLineSpan().StartLinePosition}: {diagnostic.GetMessage()}");
                }
            }
        }

        foreach (var stray in actual.Where(d => d.Location.SourceTree is null || !testPaths.Contains(d.Location.SourceTree.FilePath)))
        {
            failures.AppendLine($"Unexpected diagnostic outside the test documents: {stray}");
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>Renders diagnostics into the source as markup, so a failure can be read and pasted.</summary>
    public static string Render(SourceText text, IEnumerable<(string Id, TextSpan Span)> diagnostics, string defaultId)
    {
        var inserts = new List<(int Position, int Order, string Text)>();
        foreach (var (id, span) in diagnostics)
        {
            inserts.Add((span.Start, 0, id == defaultId ? "[|" : "{|" + id + ":"));
            inserts.Add((span.End, 1, id == defaultId ? "|]" : "|}"));
        }

        // Inserting at one position puts the later insert first: opens go in before closes so that "|]" precedes "[|".
        var builder = new StringBuilder(text.ToString());
        foreach (var (position, _, insert) in inserts.OrderByDescending(i => i.Position).ThenBy(i => i.Order))
        {
            builder.Insert(position, insert);
        }

        return builder.ToString();
    }
}
