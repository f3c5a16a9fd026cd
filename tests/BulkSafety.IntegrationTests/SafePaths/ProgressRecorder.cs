using System.Collections.Concurrent;
using BulkSafety.SafePaths;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>Keeps a batched job's progress reports; an optional pause per committed batch keeps a job running long enough to watch.</summary>
internal sealed class ProgressRecorder(TimeSpan pausePerBatch = default) : IProgress<BatchProgress>
{
    private readonly ConcurrentQueue<BatchProgress> reports = new();

    public IReadOnlyList<BatchProgress> Reports => [.. reports];

    public BatchProgress? Latest => reports.LastOrDefault();

    public void Report(BatchProgress value)
    {
        reports.Enqueue(value);
        if (value.State == BatchState.Running && value.Batches > 0 && pausePerBatch > TimeSpan.Zero)
        {
            Thread.Sleep(pausePerBatch);
        }
    }
}
