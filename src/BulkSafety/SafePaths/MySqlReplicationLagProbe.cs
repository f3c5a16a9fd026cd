using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BulkSafety.SafePaths;

/// <summary>
/// Replica lag of a MySQL or MariaDB replica, read on the replica with <c>SHOW REPLICA STATUS</c> (MySQL 8.0.22+,
/// MariaDB 10.5.1+; <c>SHOW SLAVE STATUS</c> on older servers): a batched job waits while <c>Seconds_Behind_Source</c>
/// (MySQL) or <c>Seconds_Behind_Master</c> (MariaDB) exceeds <c>maxLag</c> — 1 second by default, as pt-archiver — or
/// while the replica does not replicate: its I/O or SQL thread is not running (stopped, or reconnecting after an
/// error), or the seconds are NULL. On MariaDB, given the primary too, it also counts the GTID distance: the
/// transactions the primary has logged (<c>@@gtid_binlog_pos</c>) that the replica has not applied
/// (<c>@@gtid_slave_pos</c>).
/// </summary>
/// <remarks>
/// Give it one probe per replica. It runs over any ADO.NET <see cref="DbConnection"/> (MySqlConnector, MySql.Data). The
/// seconds are whole (the server's resolution) and measure how far the applier is behind what the replica has fetched;
/// the GTID distance also sees what it has not fetched. MariaDB multi-source replication reports the default connection
/// here.
/// </remarks>
public sealed class MySqlReplicationLagProbe : IPacingProbe
{
    internal static readonly string[] Statements = ["SHOW REPLICA STATUS", "SHOW SLAVE STATUS"];

    internal const string ReplicaGtidStatement = "SELECT @@GLOBAL.gtid_slave_pos AS gtid_slave_pos";

    internal const string PrimaryGtidStatement = "SELECT @@GLOBAL.gtid_binlog_pos AS gtid_binlog_pos";

    private readonly Func<DbConnection> _replicaConnectionFactory;
    private readonly Func<DbConnection>? _primaryConnectionFactory;
    private readonly StrongBox<int> _statement = new(0);

    /// <summary>Creates the probe.</summary>
    /// <param name="replicaConnectionFactory">Returns a new connection to the replica (opened or not) each call; the probe disposes it.</param>
    /// <param name="maxLag">The lag above which the job waits; default 1 second.</param>
    /// <param name="name">The replica's name in observations and logs; default <c>replica</c>.</param>
    /// <param name="primaryConnectionFactory">MariaDB only: returns a new connection to the primary, for the GTID distance; <see langword="null"/> (the default) to measure seconds only.</param>
    /// <param name="maxTransactionsBehind">The GTID distance above which the job waits; <see langword="null"/> (the default) for no such limit. Needs <paramref name="primaryConnectionFactory"/>.</param>
    public MySqlReplicationLagProbe(Func<DbConnection> replicaConnectionFactory, TimeSpan? maxLag = null, string? name = null, Func<DbConnection>? primaryConnectionFactory = null, long? maxTransactionsBehind = null)
    {
        ArgumentNullException.ThrowIfNull(replicaConnectionFactory);
        if (maxLag is { } lag && lag <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLag), maxLag, "The lag limit must be positive.");
        }

        if (maxTransactionsBehind is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTransactionsBehind), maxTransactionsBehind, "The transaction limit is not negative.");
        }

        if (maxTransactionsBehind is not null && primaryConnectionFactory is null)
        {
            throw new ArgumentException("A limit on the GTID distance needs a connection to the primary.", nameof(maxTransactionsBehind));
        }

        _replicaConnectionFactory = replicaConnectionFactory;
        _primaryConnectionFactory = primaryConnectionFactory;
        MaxLag = maxLag ?? TimeSpan.FromSeconds(1);
        MaxTransactionsBehind = maxTransactionsBehind;
        Name = string.IsNullOrWhiteSpace(name) ? "replica" : name;
    }

    /// <summary>The lag above which the job waits.</summary>
    public TimeSpan MaxLag { get; }

    /// <summary>The GTID distance above which the job waits, if set.</summary>
    public long? MaxTransactionsBehind { get; }

    /// <summary>The replica's name in observations and logs.</summary>
    public string Name { get; }

    /// <summary>Reads the replica's status and, given the primary, the GTID distance.</summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<ReplicaLag> MeasureAsync(CancellationToken cancellationToken = default)
    {
        var status = await PacingQuery.ReadFirstSupportedAsync(_replicaConnectionFactory, Statements, _statement, cancellationToken).ConfigureAwait(false);
        if (_primaryConnectionFactory is null)
        {
            return FromStatus(status, Name, transactionsBehind: null);
        }

        // The replica first, then the primary: a primary that moves on in between makes the distance larger, never smaller.
        var applied = PacingQuery.Text((await PacingQuery.ReadAsync(_replicaConnectionFactory, ReplicaGtidStatement, cancellationToken).ConfigureAwait(false))[0], "gtid_slave_pos");
        var logged = PacingQuery.Text((await PacingQuery.ReadAsync(_primaryConnectionFactory, PrimaryGtidStatement, cancellationToken).ConfigureAwait(false))[0], "gtid_binlog_pos");
        return FromStatus(status, Name, GtidDistance(logged, applied));
    }

    /// <inheritdoc/>
    public async ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
    {
        var replica = await MeasureAsync(cancellationToken).ConfigureAwait(false);
        if (replica.TransactionsBehind > MaxTransactionsBehind)
        {
            return PacingVerdict.Wait(string.Create(CultureInfo.InvariantCulture, $"replica {replica} (limit {MaxTransactionsBehind:N0} transactions)"));
        }

        var observation = string.Create(CultureInfo.InvariantCulture, $"replica {replica} (limit {MaxLag.TotalSeconds:0.###} s)");
        return replica.Lag is not { } lag || lag > MaxLag ? PacingVerdict.Wait(observation) : PacingVerdict.Proceed(observation);
    }

    /// <summary>
    /// The lag in a <c>SHOW REPLICA STATUS</c> result: none (not replicating) when a thread the row reports is not
    /// running, whatever the seconds say; throws when the server is not a replica (no row).
    /// </summary>
    internal static ReplicaLag FromStatus(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, string name, long? transactionsBehind)
    {
        if (rows.Count == 0)
        {
            throw new InvalidOperationException($"SHOW REPLICA STATUS returned no row: the server the probe for '{name}' connects to is not a replica.");
        }

        var row = rows[0];
        var receiver = ThreadState(row, "Replica_IO_Running", "Slave_IO_Running");
        var applier = ThreadState(row, "Replica_SQL_Running", "Slave_SQL_Running");
        string? notReplicating = null;
        if (receiver is not (null or "Yes"))
        {
            notReplicating = $"I/O thread {receiver}{Error(row, "Last_IO_Error")}";
        }
        else if (applier is not (null or "Yes"))
        {
            notReplicating = $"SQL thread {applier}{Error(row, "Last_SQL_Error")}";
        }

        var seconds = row.ContainsKey("Seconds_Behind_Source") ? PacingQuery.Int64(row, "Seconds_Behind_Source") : PacingQuery.Int64(row, "Seconds_Behind_Master");
        var lag = notReplicating is null && seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        return new ReplicaLag(name, lag, bytesBehind: null, transactionsBehind, notReplicating);
    }

    /// <summary>
    /// The transactions in MariaDB GTID position <paramref name="logged"/> (the primary's) that <paramref name="applied"/>
    /// (the replica's) lacks: per replication domain, the difference of the sequence numbers (a domain the replica has
    /// not seen counts from zero).
    /// </summary>
    internal static long GtidDistance(string? logged, string? applied)
    {
        var replica = SequenceByDomain(applied);
        return SequenceByDomain(logged).Sum(domain => Math.Max(0, domain.Value - replica.GetValueOrDefault(domain.Key)));
    }

    // "0-1-42,1-2-7": domain-server-sequence, one per domain.
    private static Dictionary<long, long> SequenceByDomain(string? position)
    {
        var sequences = new Dictionary<long, long>();
        foreach (var gtid in (position ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = gtid.Split('-');
            if (parts.Length != 3
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                throw new FormatException($"'{position}' is not a MariaDB GTID position (domain-server-sequence, comma-separated).");
            }

            sequences[domain] = sequence;
        }

        return sequences;
    }

    private static string? ThreadState(IReadOnlyDictionary<string, object?> row, string column, string olderColumn)
        => PacingQuery.Text(row, column) ?? PacingQuery.Text(row, olderColumn);

    private static string Error(IReadOnlyDictionary<string, object?> row, string column)
        => PacingQuery.Text(row, column) is { Length: > 0 } error ? $": {error}" : "";
}
