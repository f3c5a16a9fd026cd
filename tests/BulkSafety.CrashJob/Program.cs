using System.Globalization;
using BulkSafety.CrashJob;
using BulkSafety.SafePaths;

// Usage: BulkSafety.CrashJob <connection string> <job name> <rows per batch> <pause after each batch, ms>
// Increments Counter of every flagged row once, in named batches; prints one line per committed batch and flushes it,
// so that the parent test knows how far the job got before it kills this process.
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: BulkSafety.CrashJob <connection string> <job name> <rows per batch> <pause ms>");
    return 2;
}

var rowsPerBatch = int.Parse(args[2], CultureInfo.InvariantCulture);
var pause = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));
await using var context = BatchItemContext.Create(args[0]);
var result = await context.Items.Where(i => i.Flagged).UpdateInBatchesAsync(
    s => s.SetProperty(i => i.Counter, i => i.Counter + 1),
    new BatchOptions { JobName = args[1], MaxRowsPerBatch = rowsPerBatch },
    new BatchLines(pause));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done rows={result.Rows} before={result.RowsBeforeResume} completed-before={result.AlreadyCompleted}"));
return 0;

/// <summary>One line per committed batch, then the pause: the loop reports inline, so the pause slows the job down.</summary>
internal sealed class BatchLines(TimeSpan pause) : IProgress<BatchProgress>
{
    public void Report(BatchProgress value)
    {
        if (value.State != BatchState.Running || value.Batches == 0)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch {value.Batches} rows={value.Rows}"));
        Console.Out.Flush();
        Thread.Sleep(pause);
    }
}
