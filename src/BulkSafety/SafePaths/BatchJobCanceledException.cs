namespace BulkSafety.SafePaths;

/// <summary>
/// Thrown when a batched job is cancelled through its token. Cancellation takes effect between batches, so every batch
/// that started has committed; <see cref="Result"/> tells how far the job got. A rerun continues where it stopped (with
/// the same <see cref="BatchOptions.JobName"/> for updates).
/// </summary>
public sealed class BatchJobCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result">What the job did before it was cancelled.</param>
    /// <param name="cancellationToken">The token that cancelled it.</param>
    public BatchJobCanceledException(BatchResult result, CancellationToken cancellationToken)
        : base(MessageOf(result), cancellationToken)
    {
        Result = result;
    }

    /// <summary>What the job did before it was cancelled.</summary>
    public BatchResult Result { get; }

    private static string MessageOf(BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The batched job{(result.JobName is { } name ? $" '{name}'" : "")} was cancelled after {result.Batches:N0} batches ({result.Rows:N0} rows, {result.Bytes:N0} B of {result.ProfileName} log); every started batch committed.");
    }
}
