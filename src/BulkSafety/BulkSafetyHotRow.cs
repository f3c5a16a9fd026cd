namespace BulkSafety;

/// <summary>A row rewritten more often than <see cref="BulkSafetyOptions.MaxRewritesPerRowPerMinute"/> allows, with who rewrote it.</summary>
public sealed class BulkSafetyHotRow
{
    internal BulkSafetyHotRow(string row, int rewrites, long weightedRewrites, long bytes, IReadOnlyList<string> rewriters)
    {
        Row = row;
        Rewrites = rewrites;
        WeightedRewrites = weightedRewrites;
        Bytes = bytes;
        Rewriters = rewriters;
    }

    /// <summary>The row, as <c>table(Key=value)</c>.</summary>
    public string Row { get; }

    /// <summary>UPDATEs of the row within the last minute, this unit of work's included.</summary>
    public int Rewrites { get; }

    /// <summary>The rewrites weighted by width (one per started 16 KiB of log each), compared with the budget.</summary>
    public long WeightedRewrites { get; }

    /// <summary>The estimated log bytes of those rewrites.</summary>
    public long Bytes { get; }

    /// <summary>The units of work that rewrote the row: context type and what else each changed (most recent last).</summary>
    public IReadOnlyList<string> Rewriters { get; }
}
