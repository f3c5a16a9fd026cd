namespace BulkSafety.IntegrationTests.Workloads;

/// <summary>MariaDB's <c>binlog_row_image</c>: which columns a row event carries.</summary>
public enum RowImage
{
    /// <summary>Every column, before and after (the default).</summary>
    Full,

    /// <summary>Primary key before, assigned columns after.</summary>
    Minimal,

    /// <summary>Every column except BLOB/TEXT ones that the statement does not assign.</summary>
    NoBlob,
}

/// <summary>The per-session binlog settings a workload is measured under.</summary>
public sealed record BinlogSettings(RowImage RowImage, bool AnnotateRows)
{
    /// <summary>MariaDB's defaults (with binlog_format forced to ROW by the server fixture): FULL images, annotate ON.</summary>
    public static readonly BinlogSettings Default = new(RowImage.Full, AnnotateRows: true);

    /// <summary>Every combination: FULL, MINIMAL, NOBLOB, each with annotate on and off.</summary>
    public static IReadOnlyList<BinlogSettings> All { get; } =
        [.. Enum.GetValues<RowImage>().SelectMany(image => new[] { new BinlogSettings(image, true), new BinlogSettings(image, false) })];

    /// <summary>The <c>SET SESSION</c> statements that select these settings for the rest of a client session.</summary>
    public string SessionStatements =>
        $"SET SESSION binlog_row_image='{RowImageName}';\nSET SESSION binlog_annotate_row_events={(AnnotateRows ? "ON" : "OFF")};\n";

    /// <summary>The server's name for the row image.</summary>
    public string RowImageName => RowImage switch
    {
        RowImage.Full => "FULL",
        RowImage.Minimal => "MINIMAL",
        RowImage.NoBlob => "NOBLOB",
        _ => throw new InvalidOperationException($"unknown row image {RowImage}"),
    };

    /// <inheritdoc />
    public override string ToString() => $"{RowImageName}/annotate-{(AnnotateRows ? "on" : "off")}";
}

/// <summary>PostgreSQL's <c>wal_level</c> values that allow replication.</summary>
public enum WalLevel
{
    /// <summary>Physical (streaming) replication.</summary>
    Replica,

    /// <summary>Logical decoding: also logs the new tuple in full and the replica identity of old rows.</summary>
    Logical,
}

/// <summary>A table's <c>REPLICA IDENTITY</c>: what is logged of an updated or deleted row at <c>wal_level=logical</c>.</summary>
public enum ReplicaIdentity
{
    /// <summary>The primary key (the default).</summary>
    Default,

    /// <summary>The whole old row, TOASTed values de-TOASTed: PostgreSQL's own version of the incident.</summary>
    Full,
}

/// <summary>Server-side name of a WAL level as <c>SHOW wal_level</c> prints it.</summary>
public static class WalLevelNames
{
    /// <summary>'replica' or 'logical'.</summary>
    public static string ToSetting(this WalLevel level) => level == WalLevel.Logical ? "logical" : "replica";
}
