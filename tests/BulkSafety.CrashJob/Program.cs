using System.Globalization;
using BulkSafety.CrashJob;
using BulkSafety.SafePaths;

// Usage: BulkSafety.CrashJob <connection string> <job name> <rows per batch> <pause after each batch, ms>
//            [<lease, ms> [<stall after batch> <file>]]
// Increments Counter of every flagged row once, in named batches; prints one line per committed batch and flushes it,
// so that the parent test knows how far the job got before it kills this process. With a stall, the job stops after
// that batch, without renewing its lease, until the file exists (a holder paused past its lease); a run that lost its
// lease prints "lost-lease" and exits with 3.
if (args.Length is not (4 or 5 or 7))
{
    await Console.Error.WriteLineAsync("usage: BulkSafety.CrashJob <connection string> <job name> <rows per batch> <pause ms> [<lease ms> [<stall after batch> <file>]]");
    return 2;
}

var rowsPerBatch = int.Parse(args[2], CultureInfo.InvariantCulture);
var pause = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));
var options = new BatchOptions { JobName = args[1], MaxRowsPerBatch = rowsPerBatch, ProbeInterval = TimeSpan.FromMilliseconds(100) };
if (args.Length > 4)
{
    options.LeaseDuration = TimeSpan.FromMilliseconds(int.Parse(args[4], CultureInfo.InvariantCulture));
}

var stall = args.Length > 5 ? (AfterBatch: int.Parse(args[5], CultureInfo.InvariantCulture), Until: args[6]) : default;
await using var context = BatchItemContext.Create(args[0]);
try
{
    var result = await context.Items.Where(i => i.Flagged).UpdateInBatchesAsync(
        s => s.SetProperty(i => i.Counter, i => i.Counter + 1),
        options,
        new BatchLines(pause, stall.AfterBatch, stall.Until));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done rows={result.Rows} before={result.RowsBeforeResume} completed-before={result.AlreadyCompleted}"));
    return 0;
}
catch (BatchJobLeaseException lost)
{
    Console.WriteLine($"lost-lease: {lost.Message}");
    return 3;
}

/// <summary>One line per committed batch (and one when the job waits for another run), then the pause: the loop
/// reports inline, so the pause slows the job down and a stall stops it.</summary>
internal sealed class BatchLines(TimeSpan pause, int stallAfterBatch, string? stallUntil) : IProgress<BatchProgress>
{
    public void Report(BatchProgress value)
    {
        if (value.State == BatchState.WaitingForLease)
        {
            Console.WriteLine("waiting for the lease");
            Console.Out.Flush();
            return;
        }

        if (value.State != BatchState.Running || value.Batches == 0)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch {value.Batches} rows={value.Rows}"));
        Console.Out.Flush();
        Thread.Sleep(pause);
        if (value.Batches == stallAfterBatch)
        {
            while (!File.Exists(stallUntil))
            {
                Thread.Sleep(50);
            }
        }
    }
}
