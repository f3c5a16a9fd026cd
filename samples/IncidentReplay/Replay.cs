using System.Diagnostics;
using BulkSafety;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IncidentReplay;

/// <summary>
/// The three runs of the replay, each on its own copy of the incident database and with its own guard (own ledger):
/// the naive cleanup under the chosen mode, the naive cleanup again in Warn mode to learn what it would have written in
/// full, and the safe cleanup under the chosen mode.
/// </summary>
public sealed class Replay(ReplayArguments arguments, IncidentDatabase database)
{
    /// <summary>How long the demo lets a throttled naive cleanup wait before giving up (the guard would wait up to a minute per unit of work).</summary>
    public static readonly TimeSpan ThrottleDemoLimit = TimeSpan.FromSeconds(5);

    public ReplayArguments Arguments => arguments;

    public IncidentDatabase Database => database;

    public int Children => database.Posts + database.Memberships;

    public Task<RunResult> NaiveAsync(IProgress<int> progress)
        => RunAsync("naive", Naive, arguments.Mode, progress, arguments.Mode == BulkSafetyMode.Throttle ? ThrottleDemoLimit : null);

    public Task<RunResult> NaiveInFullAsync(IProgress<int> progress)
        => RunAsync("naive, in full", Naive, BulkSafetyMode.Warn, progress, null);

    public Task<RunResult> SafeAsync(IProgress<int> progress)
        => RunAsync("safe", SafeCleanup.RunAsync, arguments.Mode, progress, null);

    private static Task Naive(GuardedApp app, IProgress<int> progress, CancellationToken cancellationToken)
        => NaiveCleanup.RunAsync(app.CreateContext, progress, cancellationToken);

    private async Task<RunResult> RunAsync(string name, Func<GuardedApp, IProgress<int>, CancellationToken, Task> cleanup, BulkSafetyMode mode, IProgress<int> progress, TimeSpan? limit)
    {
        using var connection = database.Copy();

        // Throttling is the one mode whose log lines are the story (each wait); otherwise the report is shown instead.
        using var app = new GuardedApp(connection, arguments.Profile, mode, mode == BulkSafetyMode.Throttle && name == "naive" ? LogLevel.Warning : LogLevel.None);
        using var meter = new VolumeMeter();
        using var cancellation = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        var deleted = 0;
        var counting = new SyncProgress(n =>
        {
            deleted = n;
            progress.Report(n);
        });
        var clock = Stopwatch.StartNew();
        BulkSafetyReport? stoppedBy = null;
        var cancelled = false;
        try
        {
            await cleanup(app, counting, cancellation.Token);
        }
        catch (BulkSafetyViolationException violation)
        {
            stoppedBy = violation.Report;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            cancelled = true;
        }

        return new RunResult(name, mode, deleted, clock.Elapsed, stoppedBy, cancelled, RowsLeft(connection), meter.Take());
    }

    private int RowsLeft(SqliteConnection connection)
    {
        using var context = database.Unguarded(connection);
        return context.Set<Group>().Count() + context.Set<Post>().Count() + context.Set<Membership>().Count();
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

/// <summary>One cleanup run: how far it got, what stopped it, and the estimated log volume of what it committed.</summary>
public sealed record RunResult(string Name, BulkSafetyMode Mode, int ChildrenDeleted, TimeSpan Elapsed, BulkSafetyReport? StoppedBy, bool Cancelled, int RowsLeft, Volume Volume)
{
    public bool Completed => StoppedBy is null && !Cancelled && RowsLeft == 0;
}

/// <summary>Whether the replay showed what it is built to show in the chosen mode.</summary>
public static class ReplayVerdict
{
    public static bool BehavedAsDesigned(BulkSafetyMode mode, RunResult naive, RunResult safe) => safe.Completed && mode switch
    {
        // The guard stops the per-child loop, and lets the batched cleanup finish.
        BulkSafetyMode.Enforce => naive.StoppedBy is not null,

        // The guard lets the loop finish but reports it.
        BulkSafetyMode.Warn => naive.Completed && naive.Volume.Violations > 0,

        // The guard holds the loop back.
        _ => naive.Volume.ThrottleWaits > 0 && !naive.Completed,
    };
}
