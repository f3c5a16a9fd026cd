using System.Diagnostics;
using System.Globalization;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Starts tests/BulkSafety.CrashJob — a named <c>Counter = Counter + 1</c> job over the flagged rows — as a child process
/// on a database of batch items, its output redirected line by line.
/// </summary>
internal static class CrashJobProcess
{
    /// <summary>The exit code of a run that lost its lease to another run.</summary>
    public const int LostLeaseExitCode = 3;

    /// <summary>The program on PostgreSQL (EF Core 10, Npgsql).</summary>
    public const string Postgres = "BulkSafety.CrashJob";

    /// <summary>The same program on MariaDB (EF Core 9, Pomelo).</summary>
    public const string MariaDb = "BulkSafety.CrashJob.MariaDb";

    /// <param name="program">The build of the program: <see cref="Postgres"/> or <see cref="MariaDb"/>.</param>
    /// <param name="connectionString">The database.</param>
    /// <param name="job">The job name.</param>
    /// <param name="rowsPerBatch">At most this many rows per batch.</param>
    /// <param name="pauseMilliseconds">A pause after each committed batch.</param>
    /// <param name="leaseMilliseconds">The job's lease.</param>
    /// <param name="stall">After this batch, the child stops (renewing nothing) until this file exists.</param>
    public static Process Start(string program, string connectionString, string job, int rowsPerBatch, int pauseMilliseconds, int leaseMilliseconds, (int AfterBatch, string UntilFile)? stall = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, $"{program}.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] arguments = [path, connectionString, job, Invariant(rowsPerBatch), Invariant(pauseMilliseconds), Invariant(leaseMilliseconds)];
        if (stall is { } stop)
        {
            arguments = [.. arguments, Invariant(stop.AfterBatch), stop.UntilFile];
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash job");
        child.StandardInput.Close();
        return child;
    }

    /// <summary>Reads the child's output to its end and waits (at most 5 minutes) for it to exit.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> WaitForExitAsync(Process child)
    {
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await child.WaitForExitAsync(timeout.Token);
        return (child.ExitCode, await stdout, await stderr);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
