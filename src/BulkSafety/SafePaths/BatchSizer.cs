namespace BulkSafety.SafePaths;

/// <summary>
/// Decides how many rows the next batch should hold: as many as the last batch's average row size says fit the target
/// bytes, so that a batch priced over its target — and cut and priced again — is the exception. Before any row size is
/// known (text and binary columns), the most rows a batch may hold: the first pricing cuts them to the target, which
/// costs one more probe, where an opening batch of a few rows would cost a whole batch.
/// </summary>
internal sealed class BatchSizer
{
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

    public int NextRowCount()
        => _bytesPerRow is { } perRow
            ? (int)Math.Clamp(Math.Floor(_targetBytes / Math.Max(1, perRow)), 1, _maxRows)
            : _maxRows;

    /// <summary>Learns the row size from a committed batch (not from one that found no row: rows deleted meanwhile).</summary>
    public void Observe(int rows, long rowBytes)
    {
        if (rows > 0)
        {
            _bytesPerRow = (double)rowBytes / rows;
        }
    }
}
