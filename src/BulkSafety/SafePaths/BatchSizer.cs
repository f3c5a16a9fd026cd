namespace BulkSafety.SafePaths;

/// <summary>
/// Decides how many rows to read for the next batch and how many of them to take: the longest prefix whose estimated
/// bytes stay within the target (at least one row). It reads as many rows as the last batch's average row size says fit,
/// so that reading — which costs about as much as deleting on a fast local database — is rarely wasted on rows the
/// batch then leaves for the next one.
/// </summary>
internal sealed class BatchSizer
{
    /// <summary>Rows read for the first batch when row sizes are not known before reading (text and binary columns).</summary>
    public const int FirstRead = 100;

    private readonly long _targetBytes;
    private readonly int _maxRows;
    private double? _bytesPerRow;

    /// <param name="targetBytes">The bytes a batch should stay within.</param>
    /// <param name="maxRows">The most rows in a batch.</param>
    /// <param name="bytesPerRow">Each row's bytes when the model alone fixes them (no text or binary columns).</param>
    public BatchSizer(long targetBytes, int maxRows, long? bytesPerRow)
    {
        _targetBytes = targetBytes;
        _maxRows = maxRows;
        _bytesPerRow = bytesPerRow;
    }

    public int NextReadCount()
        => _bytesPerRow is { } perRow
            ? (int)Math.Clamp(Math.Floor(_targetBytes / Math.Max(1, perRow)), 1, _maxRows)
            : Math.Min(FirstRead, _maxRows);

    /// <summary>How many of the rows read, with these bytes each, the batch takes.</summary>
    public int Take(ReadOnlySpan<long> rowBytes)
    {
        var take = 1;
        var bytes = rowBytes[0];
        while (take < rowBytes.Length && take < _maxRows && bytes + rowBytes[take] <= _targetBytes)
        {
            bytes += rowBytes[take++];
        }

        return take;
    }

    /// <summary>Learns the row size from a committed batch.</summary>
    public void Observe(int rows, long rowBytes) => _bytesPerRow = (double)rowBytes / rows;
}
