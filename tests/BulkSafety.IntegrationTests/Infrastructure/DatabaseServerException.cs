namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>A test database server that could not be started; the message carries the server's log.</summary>
public sealed class DatabaseServerException(string message, string serverDirectory) : Exception(message)
{
    /// <summary>The server's temp directory (deleted by the time the exception reaches a test).</summary>
    public string ServerDirectory { get; } = serverDirectory;

    /// <summary>Formats a failure together with the last lines of the server's log, which is where the reason is.</summary>
    public static DatabaseServerException WithLog(string what, string serverDirectory, string logName, string log)
    {
        const int TailLines = 60;
        var lines = log.Split('\n');
        var tail = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - TailLines)));
        return new DatabaseServerException($"{what}\n--- last {TailLines} lines of {logName} ---\n{tail.TrimEnd()}", serverDirectory);
    }
}
