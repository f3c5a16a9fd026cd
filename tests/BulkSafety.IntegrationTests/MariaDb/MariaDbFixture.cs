namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// One MariaDB server per test run for the <see cref="MariaDbCollection"/>. xUnit runs the tests of one collection one
/// at a time, and no other collection can reach this server, so nothing writes to its binlog during a measurement but
/// the measurement itself. If the server cannot start, every test of the collection fails with the server's log.
/// </summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    private MariaDbServer? server;

    /// <summary>The running server.</summary>
    public MariaDbServer Server => server ?? throw new InvalidOperationException("the MariaDB fixture was not initialised");

    /// <summary>A binlog meter on <see cref="Server"/>.</summary>
    public BinlogMeter Meter => new(Server);

    /// <inheritdoc />
    public async Task InitializeAsync() => server = await MariaDbServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The tests that share the MariaDB server.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "MariaDB server";
}
