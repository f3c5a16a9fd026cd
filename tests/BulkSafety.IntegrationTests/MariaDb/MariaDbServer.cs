using System.Diagnostics;
using System.Text;
using BulkSafety.IntegrationTests.Infrastructure;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// A throw-away MariaDB 10.11 with a row-based binlog: a plain <c>mariadbd</c> process on a free 127.0.0.1 port, data and
/// binlog under a fresh temp directory, stopped by its pid and deleted on dispose. No systemd, no docker, and
/// <c>--no-defaults</c> keeps every <c>/etc/mysql</c> file out: each byte-relevant setting is spelled out below.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private const string SocketFile = "mysqld.sock";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(2);

    private readonly Process process;
    private readonly StringBuilder processOutput;
    private readonly ScratchDirectory scratch;

    private MariaDbServer(ScratchDirectory scratch, int port, Process process, StringBuilder processOutput)
    {
        this.scratch = scratch;
        this.process = process;
        this.processOutput = processOutput;
        Port = port;
        Client = new MariaDbClient(port);
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The operating-system process id of <c>mariadbd</c>.</summary>
    public int ProcessId => process.Id;

    /// <summary>The temp directory that holds data, binlog and logs.</summary>
    public string Directory => scratch.Path;

    /// <summary>A <c>mariadb</c> command-line client connected as root over TCP.</summary>
    public MariaDbClient Client { get; }

    /// <summary>An ADO.NET connection string (MySqlConnector's keywords) for root over TCP, in <paramref name="database"/>.
    /// Unpooled: every connection is a new session, so it starts from the server's global settings.</summary>
    public string ConnectionString(string database) =>
        $"Server=127.0.0.1;Port={Port};User ID=root;Database={database};Pooling=false";

    /// <summary>Held by every binlog measurement; see <see cref="ExclusiveAccess"/>.</summary>
    public ExclusiveAccess Exclusive { get; } = new();

    /// <summary>The binlog size at which <see cref="BinlogMeter"/> rotates the log between measurements, so that a
    /// measurement never straddles two files. The server's own limit (<c>max_binlog_size</c>) is far above it.</summary>
    public static long RotateBinlogAbove => 256L * 1024 * 1024;

    private string ErrorLogPath => scratch.Combine("error.log");

    /// <summary>Initialises a data directory and starts the server; throws <see cref="DatabaseServerException"/> with the
    /// server's log when it cannot start. <paramref name="extraOptions"/> go to <c>mariadbd</c> after the fixture's own
    /// (a later option wins), e.g. a server with a different binlog setting.</summary>
    public static async Task<MariaDbServer> StartAsync(IReadOnlyList<string>? extraOptions = null, CancellationToken cancellationToken = default)
    {
        var scratch = await ScratchDirectory.CreateAsync("bulksafety-mariadb-");
        try
        {
            await InstallAsync(scratch, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeTcpPort.Next();
                var output = new StringBuilder();
                var process = ExternalCommand.StartBackground(ServerProgram(), [.. ServerArguments(scratch, port), .. extraOptions ?? []], output);
                var server = new MariaDbServer(scratch, port, process, output);
                if (await server.WaitUntilReadyAsync(cancellationToken))
                {
                    return server;
                }

                await server.StopProcessAsync();
                var log = server.ReadLog();
                if (attempt < StartAttempts && log.Contains("Address already in use", StringComparison.Ordinal))
                {
                    continue;
                }

                throw DatabaseServerException.WithLog(
                    $"MariaDB did not start on 127.0.0.1:{port} (attempt {attempt}).", scratch.Path, "the MariaDB error log", log);
            }
        }
        catch
        {
            scratch.Delete();
            throw;
        }
    }

    /// <summary>
    /// Starts a replica of this server: a second <c>mariadbd</c> (own data directory, own free port, server id 2) that
    /// replicates with GTID (<c>MASTER_USE_GTID=slave_pos</c>) what this server logs from now on — its replication
    /// position starts at this server's <c>@@gtid_binlog_pos</c>, so nothing logged before is replayed. Returns once both
    /// replication threads run; throws <see cref="DatabaseServerException"/> with the replica's log when they do not.
    /// </summary>
    public async Task<MariaDbServer> StartReplicaAsync(CancellationToken cancellationToken = default)
    {
        var replica = await StartAsync(["--server-id=2"], cancellationToken);
        try
        {
            var position = (await Client.QueryAsync("SELECT @@GLOBAL.gtid_binlog_pos", cancellationToken: cancellationToken)).Scalar();
            await replica.Client.ExecuteAsync(
                $"SET GLOBAL gtid_slave_pos = '{position}'; " +
                $"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={Port}, MASTER_USER='root', MASTER_USE_GTID=slave_pos; START SLAVE",
                cancellationToken: cancellationToken);
            if (await Poll.UntilAsync(async () => await replica.ReplicatesAsync(cancellationToken), Poll.StartupTimeout, TimeSpan.FromMilliseconds(100), cancellationToken))
            {
                return replica;
            }

            throw DatabaseServerException.WithLog(
                $"the replica on 127.0.0.1:{replica.Port} never ran both replication threads.", replica.Directory, "the replica's log", replica.ReadLog());
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether this server is a replica whose I/O and SQL threads both run.</summary>
    public async Task<bool> ReplicatesAsync(CancellationToken cancellationToken = default)
    {
        var status = await Client.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken);
        return status.Rows.Count == 1 && status.Value(0, "Slave_IO_Running") == "Yes" && status.Value(0, "Slave_SQL_Running") == "Yes";
    }

    /// <summary>The server's error log and console output, for failure messages.</summary>
    public string ReadLog()
    {
        string console;
        lock (processOutput)
        {
            console = processOutput.ToString();
        }

        var errorLog = File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "(no error log written)";
        return $"{errorLog}\n{console}".TrimEnd();
    }

    /// <summary>Shuts the server down (by <c>mariadb-admin shutdown</c>, then by killing its pid if it does not exit) and
    /// deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopProcessAsync();
        }
        finally
        {
            process.Dispose();
            scratch.Delete();
        }
    }

    private static async Task InstallAsync(ScratchDirectory scratch, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(scratch.Combine("binlog"));
        System.IO.Directory.CreateDirectory(scratch.Combine("tmp"));
        // Our own tmpdir, also for the bootstrap server: a mariadbd that starts deletes every "#sql*" file in its tmpdir,
        // so with the shared /tmp a server starting elsewhere breaks a concurrent install ("Unknown table
        // 'mysql.tmp_proxies_priv'").
        string[] arguments =
        [
            "--no-defaults", .. RootUser(), $"--datadir={scratch.Combine("data")}", $"--tmpdir={scratch.Combine("tmp")}",
            "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve",
        ];
        var result = await ExternalCommand.RunAsync("mariadb-install-db", arguments, null, CommandTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw DatabaseServerException.WithLog(
                "mariadb-install-db failed (is mariadb-server installed? scripts/install-db-servers.sh installs it).",
                scratch.Path,
                "its output", $"{result.StandardOutput}\n{result.StandardError}");
        }
    }

    private static IEnumerable<string> ServerArguments(ScratchDirectory scratch, int port) =>
    [
        "--no-defaults", .. RootUser(),
        $"--datadir={scratch.Combine("data")}", $"--tmpdir={scratch.Combine("tmp")}",
        $"--socket={scratch.Combine(SocketFile)}", $"--pid-file={scratch.Combine("mysqld.pid")}",
        $"--log-error={scratch.Combine("error.log")}",
        $"--port={port}", "--bind-address=127.0.0.1", "--skip-name-resolve",
        // Row-based binlog; every byte-relevant setting spelled out even where it equals the default, so that a
        // distribution default can never change a measured figure. binlog_row_image and binlog_annotate_row_events
        // are per-session knobs that workloads change with SET SESSION.
        "--server-id=1", $"--log-bin={scratch.Combine("binlog", "mysql-bin")}", "--binlog-format=ROW",
        "--binlog-row-image=FULL", "--binlog-checksum=CRC32", "--binlog-annotate-row-events=ON",
        "--binlog-row-event-max-size=8192", "--binlog-row-metadata=NO_LOG",
        // Far above anything a test writes: a rotation inside a measurement would break the position delta.
        "--max-binlog-size=1G",
        "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci", "--max-allowed-packet=256M",
        // Durability and memory knobs only make the run faster; they do not change a single binlog byte.
        "--sync-binlog=0", "--innodb-flush-log-at-trx-commit=2", "--innodb-buffer-pool-size=256M",
    ];

    // mariadbd refuses to run as root unless told to; as any other user it runs as that user.
    private static string[] RootUser() => ExternalCommand.RunningAsRoot ? ["--user=root"] : [];

    private static string ServerProgram()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "mariadbd"))
            .FirstOrDefault(File.Exists);
        return onPath ?? "/usr/sbin/mariadbd";
    }

    // Ready when it answers a ping; a server that exits (a rejected option, a port in use) fails at once.
    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken) =>
        await Poll.UntilAsync(
            async () => process.HasExited || await AdminAsync("ping", cancellationToken),
            Poll.StartupTimeout,
            TimeSpan.FromMilliseconds(250),
            cancellationToken)
        && !process.HasExited;

    // Through this server's own socket, never its TCP port: should another process have won a race for the port, a ping
    // must not report that process ready, and a shutdown must not stop it.
    private async Task<bool> AdminAsync(string command, CancellationToken cancellationToken) =>
        (await ExternalCommand.RunAsync(
            "mariadb-admin",
            ["--no-defaults", "--protocol=socket", $"--socket={scratch.Combine(SocketFile)}", "--user=root", command],
            null,
            ShutdownTimeout,
            cancellationToken)).ExitCode == 0;

    private async Task StopProcessAsync()
    {
        if (process.HasExited)
        {
            return;
        }

        // A server that never became ready cannot be asked to shut down: kill it by pid.
        if (!await AdminAsync("shutdown", CancellationToken.None))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return;
        }

        using var timeout = new CancellationTokenSource(ShutdownTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
