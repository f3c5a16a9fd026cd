using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BulkSafety.SafePaths;

/// <summary>
/// Replica lag of a MySQL or MariaDB replica, read on the replica with <c>SHOW REPLICA STATUS</c> (MySQL 8.0.22+,
/// MariaDB 10.5.1+; <c>SHOW SLAVE STATUS</c> on older servers): a batched job waits while <c>Seconds_Behind_Source</c>
/// (MySQL) or <c>Seconds_Behind_Master</c> (MariaDB) exceeds <c>maxLag</c> — 1 second by default, as pt-archiver — or is
/// NULL, which means the replica does not replicate (a stopped or broken thread), as pt-archiver also waits.
/// </summary>
/// <remarks>
/// Give it one probe per replica. It runs over any ADO.NET <see cref="DbConnection"/> (MySqlConnector, MySql.Data);
/// this repository has no MySQL driver for .NET, so its tests check the statement and the parsing against the
/// <c>mariadb</c> command-line client's output, not this class's connection path (docs/safe-paths.md). The seconds are
/// whole (the server's resolution); MariaDB multi-source replication reports the default connection here.
/// </remarks>
public sealed class MySqlReplicationLagProbe : IPacingProbe
{
    internal static readonly string[] Statements = ["SHOW REPLICA STATUS", "SHOW SLAVE STATUS"];

    private readonly Func<DbConnection> _replicaConnectionFactory;
    private readonly StrongBox<int> _statement = new(0);

    /// <summary>Creates the probe.</summary>
    /// <param name="replicaConnectionFactory">Returns a new connection to the replica (opened or not) each call; the probe disposes it.</param>
    /// <param name="maxLag">The lag above which the job waits; default 1 second.</param>
    /// <param name="name">The replica's name in observations and logs; default <c>replica</c>.</param>
    public MySqlReplicationLagProbe(Func<DbConnection> replicaConnectionFactory, TimeSpan? maxLag = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(replicaConnectionFactory);
        if (maxLag is { } lag && lag <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLag), maxLag, "The lag limit must be positive.");
        }

        _replicaConnectionFactory = replicaConnectionFactory;
        MaxLag = maxLag ?? TimeSpan.FromSeconds(1);
        Name = string.IsNullOrWhiteSpace(name) ? "replica" : name;
    }

    /// <summary>The lag above which the job waits.</summary>
    public TimeSpan MaxLag { get; }

    /// <summary>The replica's name in observations and logs.</summary>
    public string Name { get; }

    /// <summary>Reads the replica's status.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<ReplicaLag> MeasureAsync(CancellationToken cancellationToken = default)
        => FromStatus(await PacingQuery.ReadFirstSupportedAsync(_replicaConnectionFactory, Statements, _statement, cancellationToken).ConfigureAwait(false), Name);

    /// <inheritdoc/>
    public async ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
    {
        var replica = await MeasureAsync(cancellationToken).ConfigureAwait(false);
        var observation = string.Create(CultureInfo.InvariantCulture, $"replica {replica} (limit {MaxLag.TotalSeconds:0.###} s)");
        return replica.Lag is not { } lag || lag > MaxLag ? PacingVerdict.Wait(observation) : PacingVerdict.Proceed(observation);
    }

    /// <summary>The lag in a <c>SHOW REPLICA STATUS</c> result; throws when the server is not a replica (no row).</summary>
    internal static ReplicaLag FromStatus(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, string name)
    {
        if (rows.Count == 0)
        {
            throw new InvalidOperationException($"SHOW REPLICA STATUS returned no row: the server the probe for '{name}' connects to is not a replica.");
        }

        var row = rows[0];
        var seconds = row.ContainsKey("Seconds_Behind_Source") ? PacingQuery.Int64(row, "Seconds_Behind_Source") : PacingQuery.Int64(row, "Seconds_Behind_Master");
        return new ReplicaLag(name, seconds is { } s ? TimeSpan.FromSeconds(s) : null, bytesBehind: null);
    }
}
