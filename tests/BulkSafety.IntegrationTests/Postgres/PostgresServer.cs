using System.Diagnostics;
using System.Globalization;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Workloads;
using Npgsql;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// A throw-away PostgreSQL 15: <c>initdb</c> into a fresh temp directory, <c>pg_ctl</c> on a free 127.0.0.1 port, run as
/// the <c>postgres</c> user (through <c>runuser</c> when we are root, as ourselves otherwise), stopped by its pid and
/// deleted on dispose. A second instance can follow it as a streaming replica (<see cref="StartReplicaAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Where Debian installs the PostgreSQL 15 server programs.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private const string OsUser = "postgres";
    private const string SettingsFile = "bulksafety.conf";
    private const int StartAttempts = 3;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private readonly ScratchDirectory scratch;
    private readonly IReadOnlyList<string> extraSettings;
    private bool running;

    private PostgresServer(ScratchDirectory scratch, IReadOnlyList<string> extraSettings)
    {
        this.scratch = scratch;
        this.extraSettings = extraSettings;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The postmaster's process id, read from <c>postmaster.pid</c> after each start.</summary>
    public int ProcessId { get; private set; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => scratch.Combine("data");

    /// <summary>An Npgsql connection string (superuser <c>postgres</c>, trust authentication, database <c>postgres</c>).
    /// Pooling is off: connections must not outlive a restart.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = "postgres",
        Pooling = false,
        Timeout = 60,
        CommandTimeout = 600,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>Held by every WAL measurement; see <see cref="ExclusiveAccess"/>.</summary>
    public ExclusiveAccess Exclusive { get; } = new();

    private string LogPath => scratch.Combine("server.log");

    /// <summary>Initialises a cluster and starts it; throws <see cref="DatabaseServerException"/> with the server's log
    /// when it cannot start. <paramref name="extraSettings"/> are postgresql.conf lines after the fixture's own (a later
    /// line wins).</summary>
    public static async Task<PostgresServer> StartPrimaryAsync(IReadOnlyList<string>? extraSettings = null, CancellationToken cancellationToken = default)
    {
        var server = new PostgresServer(await ScratchDirectory.CreateAsync("bulksafety-pg-", OsUser), extraSettings ?? []);
        try
        {
            await server.RunAsPostgresAsync(
                "initdb",
                ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                cancellationToken);
            await File.AppendAllTextAsync(
                Path.Combine(server.DataDirectory, "postgresql.conf"), $"\ninclude '{SettingsFile}'\n", cancellationToken);
            await server.StartOnFreePortAsync(cancellationToken);
            await server.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_walinspect", cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a streaming replica of this server: <c>pg_basebackup -R -X stream</c> into a new temp directory, then a
    /// server on its own free port. Returns once this primary reports the replica as <c>streaming</c>.
    /// </summary>
    public async Task<PostgresServer> StartReplicaAsync(CancellationToken cancellationToken = default)
    {
        var replica = new PostgresServer(await ScratchDirectory.CreateAsync("bulksafety-pg-replica-", OsUser), extraSettings);
        try
        {
            await replica.RunAsPostgresAsync(
                "pg_basebackup",
                ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-D", replica.DataDirectory,
                 "-R", "-X", "stream", "-c", "fast", "--no-sync"],
                cancellationToken);
            await replica.StartOnFreePortAsync(cancellationToken);
            var streaming = await Poll.UntilAsync(
                async () => await ScalarAsync<long>("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", cancellationToken) > 0,
                Poll.StartupTimeout,
                TimeSpan.FromMilliseconds(200),
                cancellationToken);
            return streaming
                ? replica
                : throw DatabaseServerException.WithLog(
                    "the replica started but never reached state 'streaming'.", replica.scratch.Path, "the replica's log", replica.ReadLog());
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sets <c>wal_level</c> (ALTER SYSTEM, then a restart) unless the server already runs at it.</summary>
    public async Task SetWalLevelAsync(WalLevel level, CancellationToken cancellationToken = default)
    {
        if (await PostgresDetection.WalLevelAsync(this, cancellationToken) == level.ToSetting())
        {
            return;
        }

        await ExecuteAsync($"ALTER SYSTEM SET wal_level = '{level.ToSetting()}'", cancellationToken);
        await RestartAsync(cancellationToken);
    }

    /// <summary>Stops and starts the server on the same port and data (needed for <c>wal_level</c>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartAsync(cancellationToken);
    }

    /// <summary>Opens a connection; <paramref name="searchPath"/> selects the schema unqualified names resolve in.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(string? searchPath = null, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = searchPath };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs one statement on a new connection.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken: cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a query that returns one value, on a new connection.</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken: cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The server's log file, for failure messages.</summary>
    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no server log written)";

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>, which signals the pid in <c>postmaster.pid</c>; a kill of
    /// that pid if it does not stop) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            scratch.Delete();
        }
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeTcpPort.Next();
            await WriteSettingsAsync(cancellationToken);
            try
            {
                await StartAsync(cancellationToken);
                return;
            }
            catch (DatabaseServerException) when (attempt < StartAttempts && ReadLog().Contains("could not bind", StringComparison.Ordinal))
            {
                // Another process took the port between our probe and the server's bind: try a fresh one.
            }
        }
    }

    // Settings live in their own file, included from postgresql.conf, so that ALTER SYSTEM (postgresql.auto.conf) can
    // still override wal_level. A replica's copy, taken by pg_basebackup, is rewritten with the replica's own port.
    private async Task WriteSettingsAsync(CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, SettingsFile), $"""
            port = {Port}
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{scratch.Path}'
            wal_level = logical            # tests switch replica/logical with ALTER SYSTEM + restart
            max_wal_senders = 4
            max_replication_slots = 4
            full_page_writes = on          # the default; full-page images are part of what cold measurements show
            wal_compression = off          # the default
            autovacuum = off               # no background WAL inside a measurement
            checkpoint_timeout = 1h        # checkpoints only when a test asks for one
            max_wal_size = 16GB
            synchronous_commit = on        # the default; pg_walinspect reads only WAL that is flushed
            fsync = off                    # speed only: not one WAL byte changes
            shared_buffers = 128MB
            logging_collector = off
            {string.Join('\n', extraSettings)}

            """, cancellationToken);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = await RunPgCtlAsync(["start", "-w", "-t", "120", "-l", LogPath], cancellationToken);
        if (started.ExitCode != 0)
        {
            throw DatabaseServerException.WithLog(
                $"PostgreSQL did not start on 127.0.0.1:{Port} ({started.StandardError.Trim()}).", scratch.Path, "the PostgreSQL log", ReadLog());
        }

        var pidFile = await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid"), cancellationToken);
        ProcessId = int.Parse(pidFile[0], CultureInfo.InvariantCulture);
        running = true;
    }

    private async Task StopAsync()
    {
        if (!running)
        {
            return;
        }

        var stopped = await RunPgCtlAsync(["stop", "-m", "fast", "-w", "-t", "120"], CancellationToken.None);
        // pg_ctl returns once postmaster.pid is gone, a moment before the process itself exits: wait for the pid.
        if (stopped.ExitCode != 0
            || !await Poll.UntilAsync(() => Task.FromResult(ProcessState.HasExited(ProcessId)), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(50)))
        {
            KillPostmaster();
        }

        running = false;
    }

    private void KillPostmaster()
    {
        try
        {
            using var postmaster = Process.GetProcessById(ProcessId);
            postmaster.Kill(entireProcessTree: true);
            postmaster.WaitForExit();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private Task<CommandResult> RunPgCtlAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (program, commandArguments) = ExternalCommand.AsUser(OsUser, Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, .. arguments]);
        return ExternalCommand.RunAsync(program, commandArguments, null, CommandTimeout, cancellationToken);
    }

    private async Task RunAsPostgresAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (program, commandArguments) = ExternalCommand.AsUser(OsUser, Path.Combine(BinDirectory, tool), arguments);
        var result = await ExternalCommand.RunAsync(program, commandArguments, null, CommandTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw DatabaseServerException.WithLog(
                $"{tool} failed (is postgresql-15 installed? scripts/install-db-servers.sh installs it).",
                scratch.Path,
                $"{tool}'s output", $"{result.StandardOutput}\n{result.StandardError}");
        }
    }
}
