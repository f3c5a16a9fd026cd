namespace BulkSafety.IntegrationTests.Workloads;

/// <summary>One MariaDB measurement: a workload under one set of session binlog settings.</summary>
public sealed record BinlogCase(Workload Workload, BinlogSettings Settings)
{
    /// <inheritdoc />
    public override string ToString() => $"{Workload.Name} {Settings}";
}

/// <summary>Where a WAL measurement starts: right after a <c>CHECKPOINT</c> (every first touch of a page writes a
/// full-page image) or with the pages already logged since the last checkpoint.</summary>
public enum WalStart
{
    /// <summary>No checkpoint between setup/warm-up and the measured statements: no full-page images.</summary>
    Steady,

    /// <summary>A <c>CHECKPOINT</c> just before the measured statements.</summary>
    Cold,
}

/// <summary>One PostgreSQL measurement: a workload (whose tables carry a replica identity) at one WAL level.</summary>
public sealed record WalCase(Workload Workload, ReplicaIdentity Identity, WalLevel Level, WalStart Start)
{
    /// <inheritdoc />
    public override string ToString() => $"{Workload.Name} {Level.ToSetting()} {Start.ToString().ToLowerInvariant()}";
}

/// <summary>
/// Every workload the ground truth covers, for the calibration of the estimator: each shape at each text size, on
/// MariaDB under FULL / MINIMAL / NOBLOB with annotate on and off, on PostgreSQL at wal_level replica and logical with
/// replica identity default and full, steady and cold.
/// </summary>
public static class WorkloadCatalog
{
    /// <summary>The shapes measured on MariaDB (all of them).</summary>
    public static IReadOnlyList<WorkloadShape> Shapes { get; } = Enum.GetValues<WorkloadShape>();

    /// <summary>Every MariaDB case: shapes x text sizes x binlog settings.</summary>
    public static IEnumerable<BinlogCase> MariaDb() =>
        from shape in Shapes
        from text in TextSize.All
        from settings in BinlogSettings.All
        select new BinlogCase(IncidentWorkloads.ForMariaDb(shape, text), settings);

    /// <summary>Every PostgreSQL case, grouped by WAL level so that a runner restarts the server once per level.</summary>
    public static IEnumerable<WalCase> Postgres() =>
        from level in Enum.GetValues<WalLevel>()
        from shape in Shapes
        from text in TextSize.All
        from identity in Enum.GetValues<ReplicaIdentity>()
        from start in Enum.GetValues<WalStart>()
        select new WalCase(IncidentWorkloads.ForPostgres(shape, text, identity), identity, level, start);
}
