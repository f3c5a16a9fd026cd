using System.Text.RegularExpressions;
using BulkSafety.IntegrationTests.Infrastructure;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// Drives MariaDB through the <c>mariadb</c> command-line client, because this net10.0 project has no EF Core 10 provider
/// for MariaDB and so no MySQL driver (the CompatibilityTests also connect through MySqlConnector). SQL
/// goes in on standard input (statements can carry 100 KB literals, far beyond a command line), results come back as
/// tab-separated text, and a failing statement raises <see cref="MariaDbException"/> with the server's own message.
/// Each call is one client session: session variables set in a call apply to the rest of that call only.
/// </summary>
public sealed partial class MariaDbClient
{
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromMinutes(10);

    internal MariaDbClient(int port) => Port = port;

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Runs <paramref name="sql"/> (any number of statements) and discards whatever it prints.</summary>
    public async Task ExecuteAsync(string sql, string? database = null, CancellationToken cancellationToken = default) =>
        await RunAsync(sql, database, cancellationToken);

    /// <summary>
    /// Runs <paramref name="sql"/> and parses the result set it prints. Only the last statement may return rows (the
    /// batch format does not separate result sets); statements before it, such as <c>SET SESSION</c>, must not.
    /// </summary>
    public async Task<QueryResult> QueryAsync(string sql, string? database = null, CancellationToken cancellationToken = default) =>
        QueryResult.ParseBatchOutput(await RunAsync(sql, database, cancellationToken));

    private async Task<string> RunAsync(string sql, string? database, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            .. ConnectionArguments(), "--batch", "--default-character-set=utf8mb4",
            .. database is null ? Array.Empty<string>() : [$"--database={database}"],
        ];
        var result = await ExternalCommand.RunAsync("mariadb", arguments, sql, StatementTimeout, cancellationToken);
        if (result.ExitCode == 0)
        {
            return result.StandardOutput;
        }

        var error = ErrorLine().Match(result.StandardError);
        throw error.Success
            ? new MariaDbException(
                int.Parse(error.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture),
                error.Groups["state"].Value,
                error.Groups["message"].Value.Trim())
            : new ExternalCommandException($"mariadb exited with {result.ExitCode}: {result.StandardError.Trim()}");
    }

    // --no-defaults: no ~/.my.cnf or /etc/mysql file can change the session. TCP on purpose: it is what the fixture
    // promises (a server on 127.0.0.1:port), and it is how an application reaches a real server.
    private string[] ConnectionArguments() =>
        ["--no-defaults", "--protocol=tcp", "--host=127.0.0.1", $"--port={Port}", "--user=root"];

    // e.g. "ERROR 1146 (42S02) at line 1: Table 'gt.nope' doesn't exist"
    [GeneratedRegex(@"^ERROR (?<code>\d+) \((?<state>[0-9A-Z]{5})\)(?: at line \d+)?: (?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
