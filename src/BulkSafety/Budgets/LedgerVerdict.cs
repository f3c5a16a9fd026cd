using BulkSafety.Estimation;

namespace BulkSafety.Budgets;

/// <summary>What the ledger's rolling-window budgets say about a unit of work.</summary>
internal sealed class LedgerVerdict
{
    public LedgerVerdict(long bytesInWindow, IReadOnlyList<HotRowState> hotRows, bool rateExceeded, TimeSpan? retryAfter)
    {
        BytesInWindow = bytesInWindow;
        HotRows = hotRows;
        RateExceeded = rateExceeded;
        RetryAfter = retryAfter;
    }

    /// <summary>Committed and pending bytes in the window before the unit.</summary>
    public long BytesInWindow { get; }

    /// <summary>Rows the unit would push over the hot-row budget, with their totals including the unit.</summary>
    public IReadOnlyList<HotRowState> HotRows { get; }

    public bool RateExceeded { get; }

    /// <summary>How long until the window could hold the unit; <see langword="null"/> when no wait can.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool Admissible => !RateExceeded && HotRows.Count == 0;
}

/// <summary>A hot row's totals within the window, the unit of work included.</summary>
internal sealed record HotRowState(RowIdentity Row, int Rewrites, long WeightedRewrites, long Bytes, IReadOnlyList<string> Rewriters);
