using System.Globalization;

namespace BulkSafety.SafePaths;

/// <summary>How far one replica is behind, as a replication-lag probe measured it.</summary>
public sealed class ReplicaLag
{
    private readonly string? _notReplicating;

    internal ReplicaLag(string name, TimeSpan? lag, long? bytesBehind, long? transactionsBehind = null, string? notReplicating = null)
    {
        Name = name;
        Lag = lag;
        BytesBehind = bytesBehind;
        TransactionsBehind = transactionsBehind;
        _notReplicating = notReplicating;
    }

    /// <summary>The replica's name (PostgreSQL <c>application_name</c> and address; the probe's name for MySQL).</summary>
    public string Name { get; }

    /// <summary>How old the oldest change is that the replica has not applied; <see langword="null"/> when the replica does not replicate (a MySQL replication thread not running, or <c>Seconds_Behind_Master</c> NULL).</summary>
    public TimeSpan? Lag { get; }

    /// <summary>Log bytes the primary has written that the replica has not replayed, where the probe can tell.</summary>
    public long? BytesBehind { get; }

    /// <summary>Transactions the primary has logged that the replica has not applied (MariaDB's GTID distance), where the probe can tell.</summary>
    public long? TransactionsBehind { get; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var lag = Lag is { } behind ? Invariant($"{behind.TotalSeconds:0.###} s behind") : _notReplicating is { } why ? $"not replicating ({why})" : "not replicating";
        var bytes = BytesBehind is { } b ? Invariant($", {b:N0} B to replay") : "";
        var transactions = TransactionsBehind is { } t ? Invariant($", {t:N0} transactions to apply") : "";
        return $"{Name}: {lag}{bytes}{transactions}";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
