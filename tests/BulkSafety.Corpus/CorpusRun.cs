using System.Collections.Immutable;
using System.Reflection;
using BulkSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Corpus;

/// <summary>What a labelled case got: its outcome and the diagnostics that decided it.</summary>
public sealed record CaseResult(CorpusApp App, CorpusCase Case, Outcome Outcome, IReadOnlyList<Diagnostic> Matches);

public enum Outcome
{
    TruePositive,
    FalsePositive,
    FalseNegative,
    TrueNegative,
}

/// <summary>
/// One scoring run: every corpus project compiled and analyzed by every BulkSafety analyzer, every case decided,
/// and every BulkSafety diagnostic that no case of its rule covers (scored as a false positive: the corpus labels
/// all the code it contains).
/// </summary>
public sealed record CorpusRun(
    IReadOnlyList<CompiledProject> Projects,
    IReadOnlyList<CaseResult> Cases,
    IReadOnlyList<Diagnostic> Unlabelled,
    IReadOnlyList<string> AnalyzerFailures)
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(UnboundedColumnAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static async Task<CorpusRun> RunAsync()
    {
        var projects = new List<CompiledProject>();
        var cases = new List<CaseResult>();
        var unlabelled = new List<Diagnostic>();
        var failures = new List<string>();
        foreach (var app in CorpusManifest.LoadApps())
        {
            var compiled = CorpusCompiler.CompileApp(app);
            projects.AddRange(compiled);
            var diagnostics = new List<Diagnostic>();
            foreach (var project in compiled)
            {
                diagnostics.AddRange(await AnalyzeAsync(project, failures));
            }

            var covered = new HashSet<Diagnostic>();
            foreach (var @case in app.Cases)
            {
                var matches = Match(app, compiled, @case, diagnostics);
                covered.UnionWith(matches);
                cases.Add(new CaseResult(app, @case, Decide(@case.ExpectsFlag, matches.Count > 0), matches));
            }

            unlabelled.AddRange(diagnostics.Where(d => !covered.Contains(d)));
        }

        return new CorpusRun(projects, cases, unlabelled, failures);
    }

    private static async Task<IEnumerable<Diagnostic>> AnalyzeAsync(CompiledProject project, List<string> failures)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, analyzer, _) => { lock (failures) { failures.Add($"{project.Project.Name}: {analyzer.GetType().Name}: {exception}"); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await project.Compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        failures.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => $"{project.Project.Name}: {d.GetMessage()}"));
        return diagnostics.Where(d => d.Id.StartsWith("BS", StringComparison.Ordinal));
    }

    private static List<Diagnostic> Match(CorpusApp app, IReadOnlyList<CompiledProject> compiled, CorpusCase @case, List<Diagnostic> diagnostics)
    {
        var project = compiled.SingleOrDefault(p => p.Project.Name == @case.Project)
            ?? throw new InvalidDataException($"Case {@case.Id}: no project '{@case.Project}' in {app.Id}.");
        var path = CaseLocator.TreePath(app, project.Project, @case);
        var tree = project.Compilation.SyntaxTrees.SingleOrDefault(t => t.FilePath == path)
            ?? throw new InvalidDataException($"Case {@case.Id}: no file {path}.");
        var spans = CaseLocator.Locate(tree, @case);
        return diagnostics.Where(d => d.Id == @case.Rule && d.Location.SourceTree?.FilePath == path
                && spans.Any(s => s.Contains(d.Location.SourceSpan.Start))
                && (@case.Anchor is null || FirstLine(d).Contains(@case.Anchor, StringComparison.Ordinal)))
            .ToList();
    }

    private static string FirstLine(Diagnostic diagnostic)
    {
        var text = diagnostic.Location.SourceTree!.GetText();
        return text.Lines.GetLineFromPosition(diagnostic.Location.SourceSpan.Start).ToString();
    }

    private static Outcome Decide(bool expected, bool reported) => (expected, reported) switch
    {
        (true, true) => Outcome.TruePositive,
        (true, false) => Outcome.FalseNegative,
        (false, true) => Outcome.FalsePositive,
        (false, false) => Outcome.TrueNegative,
    };

    /// <summary>Where a diagnostic is, as <c>path(line)</c>.</summary>
    public static string Where(Diagnostic diagnostic)
    {
        var line = diagnostic.Location.GetLineSpan();
        return $"{line.Path}({line.StartLinePosition.Line + 1})";
    }
}
