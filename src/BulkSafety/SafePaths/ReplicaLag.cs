namespace BulkSafety.SafePaths;

/// <summary>How far one replica is behind, as a replication-lag probe measured it.</summary>
public sealed class ReplicaLag
{
    internal ReplicaLag(string name, TimeSpan? lag, long? bytesBehind)
    {
        Name = name;
        Lag = lag;
        BytesBehind = bytesBehind;
    }

    /// <summary>The replica's name (PostgreSQL <c>application_name</c> and address; the probe's name for MySQL).</summary>
    public string Name { get; }

    /// <summary>How old the oldest change is that the replica has not applied; <see langword="null"/> when the replica does not replicate (MySQL <c>Seconds_Behind_Master</c> NULL).</summary>
    public TimeSpan? Lag { get; }

    /// <summary>Log bytes the primary has written that the replica has not replayed, where the probe can tell.</summary>
    public long? BytesBehind { get; }

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name}: {(Lag is { } lag ? $"{lag.TotalSeconds:0.###} s behind" : "not replicating")}{(BytesBehind is { } bytes ? $", {bytes:N0} B to replay" : "")}");
}
