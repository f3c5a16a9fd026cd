using System.Globalization;
using Xunit.Abstractions;

namespace BulkSafety.Corpus;

/// <summary>
/// Scores the analyzers on tests/corpus and holds them to the checked-in baseline (tests/corpus/baseline.json): no
/// family's precision or recall may drop below it. The table is printed (see docs/corpus.md for the command) and
/// written beside the test assembly as corpus-score.md.
/// </summary>
public sealed class CorpusScoreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Corpus_ScoresAtLeastTheBaseline()
    {
        var run = await CorpusRun.RunAsync();
        var baseline = Baseline.Load();
        var report = Score.Report(run, baseline);
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "corpus-score.md"), report);

        Assert.True(run.AnalyzerFailures.Count == 0, "An analyzer threw:\n" + string.Join("\n", run.AnalyzerFailures));
        foreach (var project in run.Projects)
        {
            Assert.True(project.Errors.Count <= project.Project.CompileErrors,
                $"{project.App.Id}/{project.Project.Name} has {project.Errors.Count} compile errors (allowed {project.Project.CompileErrors}):\n"
                + string.Join("\n", project.Errors.Take(20)));
        }

        foreach (var family in Family.All)
        {
            var counts = Score.ForFamily(run, family);
            var floor = baseline.Families[family.Name];
            Assert.True(counts.Precision >= floor.Precision - 1e-9 && counts.Recall >= floor.Recall - 1e-9,
                string.Create(CultureInfo.InvariantCulture, $"{family.Name}: precision {counts.Precision:0.000}, recall {counts.Recall:0.000} below the baseline {floor.Precision:0.000}/{floor.Recall:0.000}\n{report}"));
        }
    }
}
