using BulkSafety.Databases;
using BulkSafety.Estimation;

namespace BulkSafety.Budgets;

/// <summary>
/// The process-wide record of what the guarded contexts wrote within the last minute: per server, the log bytes (the
/// rolling window — the binlog or WAL is the server's); per row of a database, its rewrites (the hot-row budget). Units
/// of work are admitted as pending and count toward the budgets from admission; they enter the window when they commit
/// — however long after admission, with their own bytes — and vanish when they are released. Pending tickets do not
/// expire: the session that admitted one settles it (commit, rollback, a transaction disposed without commit, the
/// context reset or disposed). Thread-safe: one lock, held for a few dictionary operations per unit.
/// </summary>
internal sealed class BulkSafetyLedger
{
    /// <summary>The rolling window of the per-minute budgets.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>A rewrite counts once per started this many bytes it logs.</summary>
    public const long HotRowWeightBytes = 16 * 1024;

    /// <summary>How long a throttled unit waits before looking again when only pending work blocks it.</summary>
    public static readonly TimeSpan PendingPollInterval = TimeSpan.FromMilliseconds(250);

    private const int MaxRewritersPerRow = 3;
    private static readonly HotRowState[] NoHotRows = [];
    private const int SweepEvery = 1024;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, ServerWindow> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Database, RowIdentity Row), RowActivity> _rows = [];
    private int _commitsSinceSweep;

    public BulkSafetyLedger(TimeProvider time) => _time = time;

    /// <summary>The ledger of contexts configured without <c>AddBulkSafety</c>.</summary>
    public static BulkSafetyLedger Default { get; } = new(TimeProvider.System);

    public TimeProvider Time => _time;

    /// <summary>Committed bytes within the window, all servers together.</summary>
    public long CommittedBytesInWindow => Sum(static window => window.CommittedBytes);

    /// <summary>Bytes of admitted units that have neither committed nor been released yet, all servers together.</summary>
    public long PendingBytes => Sum(static window => window.PendingBytes);

    private long Now => _time.GetUtcNow().UtcTicks;

    /// <summary>The rewrites of <paramref name="row"/> of <paramref name="database"/> committed within the window.</summary>
    public int CommittedRewrites(DatabaseIdentity database, RowIdentity row)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue((database.Database, row), out var activity))
            {
                return 0;
            }

            activity.Expire(Now - Window.Ticks);
            return activity.CommittedCount;
        }
    }

    /// <summary>
    /// Checks <paramref name="estimate"/> against the window budgets of <paramref name="options"/> and, if it fits or <paramref name="force"/> is set,
    /// admits it as pending. Check and admission are one atomic step.
    /// </summary>
    public LedgerTicket? TryAdmit(UnitOfWorkEstimate estimate, BulkSafetyOptions options, bool force, out LedgerVerdict verdict)
    {
        lock (_gate)
        {
            var now = Now;
            verdict = Evaluate(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, now);
            if (!verdict.Admissible && !force)
            {
                return null;
            }

            var ticket = new LedgerTicket(estimate);
            WindowOf(estimate.Database).PendingBytes += estimate.TotalBytes;
            foreach (var rewrite in estimate.Rewrites)
            {
                var activity = ActivityOf(estimate.Database, rewrite.Row);
                activity.PendingCount++;
                activity.PendingWeight += Weight(rewrite.Bytes);
                activity.PendingBytes += rewrite.Bytes;
            }

            return ticket;
        }
    }

    /// <summary>Checks <paramref name="estimate"/> against the window budgets without admitting it (a dry run).</summary>
    public LedgerVerdict Inspect(UnitOfWorkEstimate estimate, BulkSafetyOptions options)
    {
        lock (_gate)
        {
            return Evaluate(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, Now);
        }
    }

    /// <summary>Moves an admitted unit into the window: it committed.</summary>
    public void Commit(LedgerTicket ticket)
    {
        lock (_gate)
        {
            if (!Settle(ticket))
            {
                return;
            }

            var now = Now;
            var bytes = ticket.Estimate.TotalBytes;
            var window = WindowOf(ticket.Estimate.Database);
            window.Committed.Enqueue((now, bytes));
            window.CommittedBytes += bytes;
            foreach (var rewrite in ticket.Estimate.Rewrites)
            {
                var activity = ActivityOf(ticket.Estimate.Database, rewrite.Row);
                activity.Expire(now - Window.Ticks);
                activity.Rewrites.Enqueue((now, Weight(rewrite.Bytes), rewrite.Bytes));
                activity.CommittedCount++;
                activity.CommittedWeight += Weight(rewrite.Bytes);
                activity.CommittedBytes += rewrite.Bytes;
                activity.AddRewriter(ticket.Rewriter, MaxRewritersPerRow);
            }

            if (++_commitsSinceSweep >= SweepEvery)
            {
                Sweep(now);
            }
        }
    }

    /// <summary>Forgets an admitted unit: it failed, was cancelled or rolled back, and left nothing in the database.</summary>
    /// <returns>Whether the ticket was still pending.</returns>
    public bool Release(LedgerTicket ticket)
    {
        lock (_gate)
        {
            return Settle(ticket);
        }
    }

    /// <summary>A rewrite's weight: one per started <see cref="HotRowWeightBytes"/>, at least one.</summary>
    public static long Weight(long bytes) => Math.Max(1, (bytes + HotRowWeightBytes - 1) / HotRowWeightBytes);

    private LedgerVerdict Evaluate(UnitOfWorkEstimate estimate, long maxBytesPerMinute, int maxRewritesPerRow, long now)
    {
        var window = WindowOf(estimate.Database);
        window.Expire(now - Window.Ticks);
        var inWindow = window.CommittedBytes + window.PendingBytes;
        var rateExceeded = inWindow + estimate.TotalBytes > maxBytesPerMinute;
        TimeSpan? retryAfter = TimeSpan.Zero;
        if (rateExceeded)
        {
            retryAfter = Longer(retryAfter, estimate.TotalBytes > maxBytesPerMinute ? null : RetryAfterForRate(window, inWindow + estimate.TotalBytes - maxBytesPerMinute, now));
        }

        List<HotRowState>? hotRows = null;
        foreach (var rewrite in estimate.Rewrites)
        {
            var weight = Weight(rewrite.Bytes);
            if (_rows.TryGetValue((estimate.Database.Database, rewrite.Row), out var activity))
            {
                activity.Expire(now - Window.Ticks);
            }

            var weighted = (activity?.CommittedWeight ?? 0) + (activity?.PendingWeight ?? 0) + weight;
            if (weighted <= maxRewritesPerRow)
            {
                continue;
            }

            (hotRows ??= []).Add(new HotRowState(
                rewrite.Row,
                (activity?.CommittedCount ?? 0) + (activity?.PendingCount ?? 0) + 1,
                weighted,
                (activity?.CommittedBytes ?? 0) + (activity?.PendingBytes ?? 0) + rewrite.Bytes,
                activity?.Rewriters ?? []));
            retryAfter = Longer(retryAfter, weight > maxRewritesPerRow ? null : RetryAfterForRow(activity, weighted - maxRewritesPerRow, now));
        }

        return new LedgerVerdict(inWindow, (IReadOnlyList<HotRowState>?)hotRows ?? NoHotRows, rateExceeded, retryAfter);
    }

    // Both waits must pass; no wait at all (null) wins.
    private static TimeSpan? Longer(TimeSpan? first, TimeSpan? second)
        => first is { } a && second is { } b ? (a > b ? a : b) : null;

    // The wait until enough committed bytes leave the window; pending work can only be waited out by polling.
    private static TimeSpan RetryAfterForRate(ServerWindow window, long excess, long now)
    {
        long freed = 0;
        foreach (var (at, bytes) in window.Committed)
        {
            freed += bytes;
            if (freed >= excess)
            {
                return Until(at, now);
            }
        }

        return PendingPollInterval;
    }

    private static TimeSpan RetryAfterForRow(RowActivity? activity, long excess, long now)
    {
        long freed = 0;
        if (activity is not null)
        {
            foreach (var (at, weight, _) in activity.Rewrites)
            {
                freed += weight;
                if (freed >= excess)
                {
                    return Until(at, now);
                }
            }
        }

        return PendingPollInterval;
    }

    private static TimeSpan Until(long committedAt, long now)
    {
        var wait = TimeSpan.FromTicks(committedAt + Window.Ticks - now);
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    private bool Settle(LedgerTicket ticket)
    {
        if (ticket.Settled)
        {
            return false;
        }

        ticket.Settled = true;
        WindowOf(ticket.Estimate.Database).PendingBytes -= ticket.Estimate.TotalBytes;
        foreach (var rewrite in ticket.Estimate.Rewrites)
        {
            if (_rows.TryGetValue((ticket.Estimate.Database.Database, rewrite.Row), out var activity))
            {
                activity.PendingCount--;
                activity.PendingWeight -= Weight(rewrite.Bytes);
                activity.PendingBytes -= rewrite.Bytes;
            }
        }

        return true;
    }

    private RowActivity ActivityOf(DatabaseIdentity database, RowIdentity row)
    {
        ref var activity = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rows, (database.Database, row), out _);
        return activity ??= new RowActivity();
    }

    private ServerWindow WindowOf(DatabaseIdentity database)
    {
        ref var window = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_windows, database.Server, out _);
        return window ??= new ServerWindow();
    }

    private long Sum(Func<ServerWindow, long> value)
    {
        lock (_gate)
        {
            var horizon = Now - Window.Ticks;
            long sum = 0;
            foreach (var window in _windows.Values)
            {
                window.Expire(horizon);
                sum += value(window);
            }

            return sum;
        }
    }

    private void Sweep(long now)
    {
        _commitsSinceSweep = 0;
        var horizon = now - Window.Ticks;
        foreach (var (row, activity) in _rows)
        {
            activity.Expire(horizon);
            if (activity.IsIdle)
            {
                _rows.Remove(row);
            }
        }

        foreach (var (server, window) in _windows)
        {
            window.Expire(horizon);
            if (window.IsIdle)
            {
                _windows.Remove(server);
            }
        }
    }

    /// <summary>One server's rolling window: the committed units within it and the pending ones.</summary>
    private sealed class ServerWindow
    {
        public Queue<(long At, long Bytes)> Committed { get; } = new();

        public long CommittedBytes { get; set; }

        public long PendingBytes { get; set; }

        public bool IsIdle => Committed.Count == 0 && PendingBytes == 0;

        public void Expire(long horizon)
        {
            while (Committed.TryPeek(out var oldest) && oldest.At <= horizon)
            {
                CommittedBytes -= Committed.Dequeue().Bytes;
            }
        }
    }

    /// <summary>One row's rewrites within the window.</summary>
    private sealed class RowActivity
    {
        private readonly List<string> _rewriters = [];

        public Queue<(long At, long Weight, long Bytes)> Rewrites { get; } = new();

        public int CommittedCount { get; set; }

        public long CommittedWeight { get; set; }

        public long CommittedBytes { get; set; }

        public int PendingCount { get; set; }

        public long PendingWeight { get; set; }

        public long PendingBytes { get; set; }

        public IReadOnlyList<string> Rewriters => [.. _rewriters];

        public bool IsIdle => CommittedCount == 0 && PendingCount == 0;

        public void AddRewriter(string rewriter, int max)
        {
            _rewriters.Remove(rewriter);
            _rewriters.Add(rewriter);
            if (_rewriters.Count > max)
            {
                _rewriters.RemoveAt(0);
            }
        }

        public void Expire(long horizon)
        {
            while (Rewrites.TryPeek(out var oldest) && oldest.At <= horizon)
            {
                var (_, weight, bytes) = Rewrites.Dequeue();
                CommittedCount--;
                CommittedWeight -= weight;
                CommittedBytes -= bytes;
            }
        }
    }
}
