using BulkSafety.Estimation;

namespace BulkSafety.Budgets;

/// <summary>
/// The process-wide record of what the guarded contexts wrote within the last minute: total log bytes (the rolling
/// window) and, per row, its rewrites (the hot-row budget). Units of work are admitted as pending and count toward the
/// budgets from admission; they enter the window when they commit and vanish when they fail. A pending ticket that is
/// never settled (another interceptor threw after ours) expires after one window. Thread-safe: one lock, held for a few
/// dictionary operations per SaveChanges.
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
    private readonly Queue<(long At, long Bytes)> _committed = new();
    private readonly List<LedgerTicket> _pending = [];
    private readonly Dictionary<RowIdentity, RowActivity> _rows = [];
    private long _committedBytes;
    private long _pendingBytes;
    private int _commitsSinceSweep;

    public BulkSafetyLedger(TimeProvider time) => _time = time;

    /// <summary>The ledger of contexts configured without <c>AddBulkSafety</c>.</summary>
    public static BulkSafetyLedger Default { get; } = new(TimeProvider.System);

    public TimeProvider Time => _time;

    /// <summary>Committed bytes within the window.</summary>
    public long CommittedBytesInWindow
    {
        get
        {
            lock (_gate)
            {
                Expire(Now);
                return _committedBytes;
            }
        }
    }

    /// <summary>Bytes of admitted units that have neither committed nor failed yet.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_gate)
            {
                Expire(Now);
                return _pendingBytes;
            }
        }
    }

    private long Now => _time.GetUtcNow().UtcTicks;

    /// <summary>The rewrites of <paramref name="row"/> committed within the window.</summary>
    public int CommittedRewrites(RowIdentity row)
    {
        lock (_gate)
        {
            Expire(Now);
            if (!_rows.TryGetValue(row, out var activity))
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
            Expire(now);
            verdict = Evaluate(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, now);
            if (!verdict.Admissible && !force)
            {
                return null;
            }

            var ticket = new LedgerTicket(estimate, now);
            _pending.Add(ticket);
            _pendingBytes += estimate.TotalBytes;
            foreach (var rewrite in estimate.Rewrites)
            {
                var activity = ActivityOf(rewrite.Row);
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
            var now = Now;
            Expire(now);
            return Evaluate(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, now);
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
            _committed.Enqueue((now, bytes));
            _committedBytes += bytes;
            foreach (var rewrite in ticket.Estimate.Rewrites)
            {
                var activity = ActivityOf(rewrite.Row);
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

    /// <summary>Forgets an admitted unit: it failed, was cancelled or rolled back, and wrote nothing.</summary>
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
        var inWindow = _committedBytes + _pendingBytes;
        var rateExceeded = inWindow + estimate.TotalBytes > maxBytesPerMinute;
        TimeSpan? retryAfter = TimeSpan.Zero;
        if (rateExceeded)
        {
            retryAfter = Longer(retryAfter, estimate.TotalBytes > maxBytesPerMinute ? null : RetryAfterForRate(inWindow + estimate.TotalBytes - maxBytesPerMinute, now));
        }

        List<HotRowState>? hotRows = null;
        foreach (var rewrite in estimate.Rewrites)
        {
            var weight = Weight(rewrite.Bytes);
            if (_rows.TryGetValue(rewrite.Row, out var activity))
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
    private TimeSpan RetryAfterForRate(long excess, long now)
    {
        long freed = 0;
        foreach (var (at, bytes) in _committed)
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
        _pending.Remove(ticket);
        _pendingBytes -= ticket.Estimate.TotalBytes;
        foreach (var rewrite in ticket.Estimate.Rewrites)
        {
            if (_rows.TryGetValue(rewrite.Row, out var activity))
            {
                activity.PendingCount--;
                activity.PendingWeight -= Weight(rewrite.Bytes);
                activity.PendingBytes -= rewrite.Bytes;
            }
        }

        return true;
    }

    private RowActivity ActivityOf(RowIdentity row)
    {
        ref var activity = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rows, row, out _);
        return activity ??= new RowActivity();
    }

    private void Expire(long now)
    {
        var horizon = now - Window.Ticks;
        while (_committed.TryPeek(out var oldest) && oldest.At <= horizon)
        {
            _committedBytes -= _committed.Dequeue().Bytes;
        }

        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].AdmittedAt <= horizon)
            {
                Settle(_pending[i]);
            }
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
