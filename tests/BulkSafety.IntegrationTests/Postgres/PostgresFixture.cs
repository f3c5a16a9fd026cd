namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// One PostgreSQL primary per test run for the <see cref="PostgresCollection"/>; tests of that collection run one at a
/// time, so a WAL measurement sees only its own workload (plus background records, which the meter separates). Tests
/// that need a streaming replica start one from <see cref="Server"/> and dispose it themselves.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? server;

    /// <summary>The running primary.</summary>
    public PostgresServer Server => server ?? throw new InvalidOperationException("the PostgreSQL fixture was not initialised");

    /// <summary>A WAL meter on <see cref="Server"/>.</summary>
    public WalMeter Meter => new(Server);

    /// <inheritdoc />
    public async Task InitializeAsync() => server = await PostgresServer.StartPrimaryAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The tests that share the PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "PostgreSQL server";
}
