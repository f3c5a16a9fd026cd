using System.Globalization;
using BulkSafety;
using Spectre.Console;

namespace IncidentReplay;

/// <summary>The replay on the console: progress while each run works, then its result, then naive against safe.</summary>
public static class ReplayConsole
{
    public static async Task<int> RunAsync(ReplayArguments arguments)
    {
        if (Console.IsOutputRedirected)
        {
            // CI logs and pipes get plain text.
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        }

        AnsiConsole.Write(new Rule("[bold]BulkSafety incident replay[/]").LeftJustified());
        AnsiConsole.MarkupLine($"Replaying the 2011 spam cleanup ([italic]Group.find(ids).each(&:destroy)[/] with counter caches and touch) on [bold]{arguments.Groups}[/] spam groups.");
        AnsiConsole.MarkupLine($"Replication profile [bold]{arguments.Profile.Name}[/], guard mode [bold]{arguments.Mode}[/], default budgets.");
        AnsiConsole.WriteLine();

        IncidentDatabase? database = null;
        await Progress().StartAsync(async context =>
        {
            var task = context.AddTask("Building the incident database", maxValue: arguments.Groups);
            database = await Task.Run(() => IncidentDatabase.Create(arguments.Groups, new Reporter(task)));
            task.StopTask();
        });
        using (database)
        {
            var replay = new Replay(arguments, database!);
            AnsiConsole.MarkupLine(Invariant($"SQLite in memory: {database!.Groups} groups ({Size(database.DescriptionBytes)} of descriptions, each copied again as cached HTML in the same row), {database.Posts:N0} posts, {database.Memberships:N0} memberships."));
            AnsiConsole.WriteLine();

            var naive = await RunWithProgressAsync("Naive cleanup: one SaveChanges per child", replay, replay.NaiveAsync);
            ShowNaive(naive);

            var inFull = arguments.Mode == BulkSafetyMode.Warn ? naive : await RunWithProgressAsync("Measuring what the naive cleanup would write in full (Warn mode)", replay, replay.NaiveInFullAsync);
            var safe = await RunWithProgressAsync($"Safe cleanup: {SafeCleanup.Description}", replay, replay.SafeAsync);
            ShowSafe(safe);
            ShowSummary(replay, inFull, safe);

            var designed = ReplayVerdict.BehavedAsDesigned(arguments.Mode, naive, safe);
            AnsiConsole.MarkupLine(designed
                ? "[green]The replay behaved as designed.[/]"
                : "[red]The replay did not behave as designed[/] (see above).");
            return designed ? 0 : 1;
        }
    }

    private static async Task<RunResult> RunWithProgressAsync(string title, Replay replay, Func<IProgress<int>, Task<RunResult>> run)
    {
        RunResult? result = null;
        await Progress().StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(title), maxValue: replay.Children);
            result = await run(new Reporter(task));
            task.StopTask();
        });
        return result!;
    }

    private static void ShowNaive(RunResult naive)
    {
        if (naive.StoppedBy is { } report)
        {
            AnsiConsole.MarkupLine(Invariant($"[red bold]Stopped[/] by [bold]{report.RuleId}[/] after {naive.ChildrenDeleted:N0} children ({naive.Elapsed.TotalSeconds:0.0} s); {Size(naive.Volume.Bytes)} had been written. Nothing of the blocked unit of work was written."));
            AnsiConsole.Write(ReportPanel(report));
        }
        else if (naive.Cancelled)
        {
            AnsiConsole.MarkupLine(Invariant($"[yellow bold]Held back[/]: the guard throttled the loop {naive.Volume.ThrottleWaits:N0} time(s); {naive.ChildrenDeleted:N0} children in {naive.Elapsed.TotalSeconds:0.0} s before the demo stopped waiting ({Replay.ThrottleDemoLimit.TotalSeconds:0} s)."));
        }
        else
        {
            AnsiConsole.MarkupLine(Invariant($"[yellow bold]Let through[/] with {naive.Volume.Violations:N0} violations logged at Error (event 3) and counted in bulksafety.violations: {naive.ChildrenDeleted:N0} children in {naive.Elapsed.TotalSeconds:0.0} s, {Size(naive.Volume.Bytes)} of log."));
        }

        AnsiConsole.WriteLine();
    }

    private static void ShowSafe(RunResult safe)
    {
        AnsiConsole.MarkupLine(safe.Completed
            ? Invariant($"[green bold]Completed[/]: {safe.ChildrenDeleted:N0} children and their groups in {safe.Elapsed.TotalSeconds:0.0} s, {Size(safe.Volume.Bytes)} of log, {safe.Volume.Violations} violations.")
            : Invariant($"[red bold]Not completed[/]: {safe.RowsLeft:N0} rows left{(safe.StoppedBy is { } r ? $", stopped by {r.RuleId}" : "")}."));
        if (safe.StoppedBy is { } report)
        {
            AnsiConsole.Write(ReportPanel(report));
        }

        AnsiConsole.WriteLine();
    }

    private static void ShowSummary(Replay replay, RunResult naive, RunResult safe)
    {
        var table = new Table().Title($"Estimated {Markup.Escape(replay.Arguments.Profile.Name)} log of the whole cleanup").AddColumns("table", "naive (per child)", "safe (batched)");
        foreach (var name in naive.Volume.BytesByTable.Keys.Union(safe.Volume.BytesByTable.Keys).Order(StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(name), Size(naive.Volume.BytesByTable.GetValueOrDefault(name)), Size(safe.Volume.BytesByTable.GetValueOrDefault(name)));
        }

        table.AddRow("[bold]total[/]", $"[bold]{Size(naive.Volume.Bytes)}[/]", $"[bold]{Size(safe.Volume.Bytes)}[/]");
        AnsiConsole.Write(table);
        if (safe.Volume.Bytes > 0 && naive.Completed)
        {
            AnsiConsole.MarkupLine(Invariant($"The per-child loop writes [bold]{(double)naive.Volume.Bytes / safe.Volume.Bytes:N0}×[/] the log of the batched cleanup: {Size(naive.Volume.Bytes / Math.Max(1, replay.Children))} per child against {Size(safe.Volume.Bytes / Math.Max(1, replay.Children))}."));
        }

        AnsiConsole.WriteLine();
    }

    private static Panel ReportPanel(BulkSafetyReport report)
    {
        var tables = new Table().AddColumns("table", "inserted", "updated", "deleted", "bytes", "share");
        foreach (var t in report.Tables)
        {
            tables.AddRow(Markup.Escape(t.Table), Invariant($"{t.Inserted:N0}"), Invariant($"{t.Updated:N0}"), Invariant($"{t.Deleted:N0}"), Size(t.Bytes), Invariant($"{t.Share:P1}"));
        }

        var rows = new List<Spectre.Console.Rendering.IRenderable> { new Markup(Markup.Escape(report.Detail ?? "")), tables };
        foreach (var hot in report.HotRows)
        {
            rows.Add(new Markup(Markup.Escape(Invariant($"Hot row {hot.Row}: {hot.Rewrites} rewrites, {Size(hot.Bytes)} in the last minute; rewritten by {string.Join("; ", hot.Rewriters)}"))));
        }

        rows.Add(new Markup($"[bold]Safe path:[/] {Markup.Escape(report.SuggestedSafePath ?? "")}"));
        return new Panel(new Rows(rows)).Header($"[red]{report.RuleId} {Markup.Escape(report.BudgetName ?? "")}[/]");
    }

    private static Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => Invariant($"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => Invariant($"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => Invariant($"{bytes / 1024.0:0.0} KiB"),
        _ => Invariant($"{bytes} B"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class Reporter(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }
}
