using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace IncidentReplay;

/// <summary>
/// A MariaDB server for one replay, started as the project's tests start theirs: a plain <c>mariadbd</c> (the Debian
/// <c>mariadb-server</c> package; scripts/install-db-servers.sh installs it) on a free 127.0.0.1 port, data and binlog
/// under a new temp directory, <c>--no-defaults</c> so no /etc/mysql file applies, a row-based binlog with FULL images.
/// Shut down and deleted on dispose.
/// </summary>
public sealed class ThrowawayMariaDb : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);

    private readonly DirectoryInfo _directory;
    private readonly Process _server;

    private ThrowawayMariaDb(DirectoryInfo directory, Process server, int port)
    {
        _directory = directory;
        _server = server;
        ConnectionString = $"Server=127.0.0.1;Port={port};User ID=root";
    }

    /// <summary>Root over TCP, no database.</summary>
    public string ConnectionString { get; }

    public static async Task<ThrowawayMariaDb> StartAsync(CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("incident-replay-mariadb-");
        string Path(string name) => System.IO.Path.Combine(directory.FullName, name);
        try
        {
            Directory.CreateDirectory(Path("tmp"));
            Directory.CreateDirectory(Path("binlog"));
            string[] common = ["--no-defaults", .. RootUser(), $"--datadir={Path("data")}", $"--tmpdir={Path("tmp")}"];
            using (var install = Process.Start(Start("mariadb-install-db", [.. common, "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"], redirect: true))!)
            {
                var output = install.StandardOutput.ReadToEndAsync(cancellationToken);
                var errors = await install.StandardError.ReadToEndAsync(cancellationToken);
                await install.WaitForExitAsync(cancellationToken);
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"mariadb-install-db failed (is mariadb-server installed? scripts/install-db-servers.sh installs it):\n{await output}\n{errors}");
                }
            }

            var port = FreePort();
            var server = Process.Start(Start(ServerProgram(), [
                .. common, $"--socket={Path("mysqld.sock")}", $"--pid-file={Path("mysqld.pid")}", $"--log-error={Path("error.log")}",
                $"--port={port}", "--bind-address=127.0.0.1", "--skip-name-resolve",
                "--server-id=1", $"--log-bin={Path("binlog/mysql-bin")}", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--max-binlog-size=1G", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci", "--max-allowed-packet=256M",
                // Speed only: not a byte of the binlog changes.
                "--sync-binlog=0", "--innodb-flush-log-at-trx-commit=2",
            ], redirect: true))!;
            // Its console output (a warning or two before the error log opens) is not the replay's: drained and dropped.
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, _) => { };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            var mariaDb = new ThrowawayMariaDb(directory, server, port);
            if (!await mariaDb.WaitUntilReadyAsync(cancellationToken))
            {
                await mariaDb.DisposeAsync();
                throw new InvalidOperationException($"mariadbd did not start on 127.0.0.1:{port}:\n{(File.Exists(Path("error.log")) ? File.ReadAllText(Path("error.log")) : "(no error log)")}");
            }

            return mariaDb;
        }
        catch
        {
            if (directory.Exists)
            {
                directory.Delete(recursive: true);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_server.HasExited)
            {
                try
                {
                    await using var connection = new MySqlConnection(ConnectionString);
                    await connection.OpenAsync();
                    await using var shutdown = new MySqlCommand("SHUTDOWN", connection);
                    await shutdown.ExecuteNonQueryAsync();
                }
                catch (MySqlException)
                {
                    // Not answering: killed below.
                }

                using var timeout = new CancellationTokenSource(StartTimeout);
                try
                {
                    await _server.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _server.Kill(entireProcessTree: true);
                    await _server.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _server.Dispose();
            _directory.Delete(recursive: true);
        }
    }

    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!_server.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new MySqlConnection(ConnectionString + ";Pooling=false");
                await connection.OpenAsync(cancellationToken);
                return true;
            }
            catch (MySqlException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }

        return false;
    }

    private static ProcessStartInfo Start(string program, IEnumerable<string> arguments, bool redirect)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = redirect, RedirectStandardError = redirect };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    // mariadbd refuses to run as root unless told to.
    private static string[] RootUser() => Environment.IsPrivilegedProcess ? ["--user=root"] : [];

    private static string ServerProgram() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "mariadbd"))
            .FirstOrDefault(File.Exists) ?? "/usr/sbin/mariadbd";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
