using BulkSafety.IntegrationTests.MariaDb;
using MySqlConnector;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// A MariaDB primary and one GTID replica of it (<see cref="MariaDbServer.StartReplicaAsync"/>), both on 127.0.0.1 with
/// their own data directories and ports, shared by the <see cref="MariaDbReplicaCollection"/> and stopped after it. A
/// primary of their own: the calibration's server writes hundreds of megabytes a replica would have to apply.
/// </summary>
public sealed class MariaDbReplicaFixture : IAsyncLifetime
{
    private MariaDbServer? primary;
    private MariaDbServer? replica;

    /// <summary>The primary.</summary>
    public MariaDbServer Primary => primary ?? throw new InvalidOperationException("the MariaDB replica fixture was not initialised");

    /// <summary>The replica.</summary>
    public MariaDbServer Replica => replica ?? throw new InvalidOperationException("the MariaDB replica fixture was not initialised");

    /// <summary>A new MySqlConnector connection to the primary (not opened).</summary>
    public MySqlConnection PrimaryConnection() => new(Primary.ConnectionString("mysql"));

    /// <summary>A new MySqlConnector connection to the replica (not opened).</summary>
    public MySqlConnection ReplicaConnection() => new(Replica.ConnectionString("mysql"));

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        primary = await MariaDbServer.StartAsync();
        replica = await primary.StartReplicaAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (replica is not null)
        {
            await replica.DisposeAsync();
        }

        if (primary is not null)
        {
            await primary.DisposeAsync();
        }
    }
}

/// <summary>The tests that share the MariaDB primary and its replica.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbReplicaCollection : ICollectionFixture<MariaDbReplicaFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "MariaDB primary and replica";
}
