using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BulkSafety.Corpus;

/// <summary>Confusion counts of one rule or family.</summary>
public sealed record Counts(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>TP / (TP + FP); 1 when nothing was reported (no false alarm was raised).</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 1 when nothing should have been reported.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    public static Counts operator +(Counts a, Counts b) => new(
        a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives,
        a.FalseNegatives + b.FalseNegatives, a.TrueNegatives + b.TrueNegatives);

    public static Counts Zero { get; } = new(0, 0, 0, 0);
}

/// <summary>A family of rules scored together.</summary>
public sealed record Family(string Name, IReadOnlyList<string> Rules)
{
    public static IReadOnlyList<Family> All { get; } =
    [
        new("loops", ["BS1001", "BS1002", "BS1003"]),
        new("cascades", ["BS2001", "BS2002"]),
        new("unbounded-text", ["BS3001", "BS3002"]),
    ];
}

/// <summary>A family's precision and recall floor.</summary>
public sealed record Figures(double Precision, double Recall);

/// <summary>
/// tests/corpus/baseline.json: the figures the corpus test must not fall below (the current ones, checked in), and
/// the goal the rule work aims at.
/// </summary>
public sealed record Baseline(Dictionary<string, Figures> Families, Figures Goal)
{
    public static Baseline Load()
        => JsonSerializer.Deserialize<Baseline>(
            File.ReadAllText(Path.Combine(CorpusManifest.Root, "baseline.json")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!;
}

/// <summary>Per-rule and per-family counts of a run, and the report the test prints.</summary>
public static class Score
{
    public static Counts ForRule(CorpusRun run, string rule)
        => run.Cases.Where(c => c.Case.Rule == rule).Aggregate(Counts.Zero, (sum, c) => sum + One(c.Outcome))
           + new Counts(0, run.Unlabelled.Count(d => d.Id == rule), 0, 0);

    public static Counts ForFamily(CorpusRun run, Family family)
        => family.Rules.Aggregate(Counts.Zero, (sum, rule) => sum + ForRule(run, rule));

    private static Counts One(Outcome outcome) => outcome switch
    {
        Outcome.TruePositive => new(1, 0, 0, 0),
        Outcome.FalsePositive => new(0, 1, 0, 0),
        Outcome.FalseNegative => new(0, 0, 1, 0),
        _ => new(0, 0, 0, 1),
    };

    public static string Report(CorpusRun run, Baseline baseline)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Corpus: {run.Projects.Select(p => p.App.Id).Distinct().Count()} apps, {run.Projects.Count} projects, {run.Projects.Sum(p => p.FileCount)} files, {run.Cases.Count} cases");
        report.AppendLine();
        report.AppendLine("| scope | cases (flag/no-flag) | TP | FP | FN | TN | precision | recall | baseline P/R | goal P/R |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var family in Family.All)
        {
            var floor = baseline.Families[family.Name];
            Row(report, $"**{family.Name}**", run.Cases.Where(c => family.Rules.Contains(c.Case.Rule)), ForFamily(run, family),
                $"{floor.Precision:0.000}/{floor.Recall:0.000}", $"{baseline.Goal.Precision:0.00}/{baseline.Goal.Recall:0.00}");
            foreach (var rule in family.Rules)
            {
                Row(report, rule, run.Cases.Where(c => c.Case.Rule == rule), ForRule(run, rule), "", "");
            }
        }

        report.AppendLine();
        report.AppendLine("Misses and false alarms:");
        foreach (var result in run.Cases.Where(c => c.Outcome is Outcome.FalseNegative or Outcome.FalsePositive).OrderBy(c => c.Case.Id, StringComparer.Ordinal))
        {
            var label = result.Outcome == Outcome.FalseNegative ? "FN" : $"FP at {CorpusRun.Where(result.Matches[0])}";
            report.AppendLine(CultureInfo.InvariantCulture, $"- {label} {result.Case.Id} {result.Case.Rule} {result.Case.Member}: {result.Case.Reason}");
        }

        foreach (var diagnostic in run.Unlabelled)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- FP (no case) {diagnostic.Id} {CorpusRun.Where(diagnostic)}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
        }

        report.AppendLine();
        report.AppendLine("| project | files | lines | compile errors |");
        report.AppendLine("|---|---:|---:|---:|");
        foreach (var project in run.Projects)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {project.App.Id}/{project.Project.Name} | {project.FileCount} | {project.LineCount} | {project.Errors.Count} |");
        }

        return report.ToString();
    }

    private static void Row(StringBuilder report, string scope, IEnumerable<CaseResult> cases, Counts counts, string baseline, string goal)
    {
        var labelled = cases.ToList();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {scope} | {labelled.Count(c => c.Case.ExpectsFlag)}/{labelled.Count(c => !c.Case.ExpectsFlag)} | {counts.TruePositives} | {counts.FalsePositives} | {counts.FalseNegatives} | {counts.TrueNegatives} | {counts.Precision:0.00} | {counts.Recall:0.00} | {baseline} | {goal} |");
    }
}
