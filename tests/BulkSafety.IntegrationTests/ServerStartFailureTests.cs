using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Postgres;

namespace BulkSafety.IntegrationTests;

/// <summary>A server that cannot start fails loudly with its own log (what a fixture then reports for every test of its
/// collection) and leaves no temp directory behind. Each test starts its own server, outside the shared collections.</summary>
public sealed class ServerStartFailureTests
{
    [Fact]
    public async Task MariaDb_RejectingAnOption_FailsWithTheServersLog()
    {
        var error = await Assert.ThrowsAsync<DatabaseServerException>(() => MariaDbServer.StartAsync(["--no-such-option=1"]));

        Assert.Contains("MariaDB did not start", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown variable 'no-such-option=1'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(error.ServerDirectory));
    }

    [Fact]
    public async Task Postgres_RejectingASetting_FailsWithTheServersLog()
    {
        var error = await Assert.ThrowsAsync<DatabaseServerException>(() => PostgresServer.StartPrimaryAsync(["no_such_setting = 1"]));

        Assert.Contains("PostgreSQL did not start", error.Message, StringComparison.Ordinal);
        Assert.Contains("unrecognized configuration parameter \"no_such_setting\"", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(error.ServerDirectory));
    }

    [Fact]
    public async Task MariaDb_WithItsOwnDefaultFormat_LogsMixedFormat()
    {
        // The same server without --binlog-format=ROW runs at MariaDB 10.11's compiled-in default.
        await using var server = await MariaDbServer.StartAsync(["--binlog-format=MIXED"]);

        var settings = await MariaDbDetection.ReadAsync(server.Client);

        Assert.Equal("MIXED", settings.Format);
    }
}
