using BulkSafety.Estimation;

namespace BulkSafety;

/// <summary>
/// The budgets of the runtime guard. The defaults let ordinary OLTP traffic through untouched and stop the incident's
/// per-child cleanup within its first minute; docs/guard.md gives the arithmetic.
/// </summary>
public sealed class BulkSafetyOptions
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// The engine whose replication log is estimated. <see langword="null"/> (the default) chooses from the context's
    /// database provider: PostgreSQL → <see cref="ReplicationProfile.PostgresWal"/> (<c>wal_level=replica</c>),
    /// MySQL/MariaDB → <see cref="ReplicationProfile.MySqlRow"/> (FULL row images; <see cref="ReplicationProfile.DetectAsync"/>
    /// reads the server's own settings). SQLite, SQL Server and other providers write no replication log the guard
    /// models: their work is priced with a stand-in, MySQL's FULL row images (the widest), so the budgets still stop
    /// bulk work — and every report and log line says it is a stand-in. Set the profile of the production engine to
    /// estimate what production will log.
    /// </summary>
    public ReplicationProfile? Profile { get; set; }

    /// <summary>The most log bytes one SaveChanges may write. Default 16 MiB.</summary>
    public long MaxBytesPerUnitOfWork { get; set; } = 16 * MiB;

    /// <summary>The most rows one SaveChanges may write. Default 10,000.</summary>
    public int MaxRowsPerUnitOfWork { get; set; } = 10_000;

    /// <summary>The most log bytes all contexts of the process may write within a rolling minute. Default 128 MiB.</summary>
    public long MaxBytesPerMinute { get; set; } = 128 * MiB;

    /// <summary>
    /// How often one row may be rewritten (UPDATE) within a rolling minute. A rewrite counts once per started 16 KiB it
    /// logs, so a narrow counter row may be updated this many times a minute while a 100 KB row may not. Default 120.
    /// </summary>
    public int MaxRewritesPerRowPerMinute { get; set; } = 120;

    /// <summary>
    /// The largest fraction (0–1] of a table's rows one operation — a SaveChanges, an <c>ExecuteDelete</c>/<c>ExecuteUpdate</c>
    /// or a raw DELETE/UPDATE — may update or delete. Applies to tables of at least <see cref="MinTableRowsForFraction"/>
    /// rows whose row count the guard can learn (SQLite, PostgreSQL). Default 0.5.
    /// </summary>
    public double MaxTableFraction { get; set; } = 0.5;

    /// <summary>
    /// The smallest table <see cref="MaxTableFraction"/> applies to: deleting 2 of a table's 3 rows is no blast radius.
    /// Below <c>MaxTableFraction × MinTableRowsForFraction</c> touched rows the guard does not even count the table's rows.
    /// 0 applies the fraction to every table. Default 1,000.
    /// </summary>
    public long MinTableRowsForFraction { get; set; } = 1_000;

    /// <summary>
    /// Units of work estimated at this many log bytes or more are logged at Information (event 1, <c>UnitOfWorkEstimated</c>);
    /// smaller ones at Debug. Default 1 MiB; 0 logs every unit at Information.
    /// </summary>
    public long LogUnitsOfWorkFromBytes { get; set; } = MiB;

    /// <summary>What to do with a unit of work that exceeds a budget. Default <see cref="BulkSafetyMode.Enforce"/>.</summary>
    public BulkSafetyMode Mode { get; set; } = BulkSafetyMode.Enforce;

    /// <summary>
    /// What to do when part of a unit of work cannot be sized, or a bulk command cannot be estimated. Default
    /// <see cref="UnknownCostPolicy.AssumeConservative"/>, which blocks a bulk command that cannot be estimated.
    /// </summary>
    public UnknownCostPolicy OnUnknown { get; set; } = UnknownCostPolicy.AssumeConservative;

    /// <summary>
    /// MariaDB/MySQL: the lowest <c>max_binlog_cache_size</c> of the replicas that log what they apply
    /// (<c>log_slave_updates</c>). A transaction over it stops replication there, though the primary took it. The guard
    /// refuses a unit that would take its transaction past this or the primary's own cap
    /// (<see cref="MySqlBinlogSettings.MaxBinlogCacheSize"/>). Default <see langword="null"/>: no replica cap.
    /// </summary>
    public long? ReplicaMaxBinlogCacheSize { get; set; }

    /// <summary>
    /// MariaDB/MySQL: the lowest <c>slave_max_allowed_packet</c> of the replicas. A binlog event larger than it stops the
    /// replica's IO thread (error 1153). The guard refuses a unit whose largest event — one row's image, or its statement
    /// text — is over this or the primary's <see cref="MySqlBinlogSettings.MaxAllowedPacket"/>. Default
    /// <see langword="null"/>: the replicas take what the primary takes.
    /// </summary>
    public long? ReplicaMaxAllowedPacket { get; set; }

    /// <summary>
    /// Where <see cref="Profile"/> came from when the guard chose it (the provider's default, or a stand-in);
    /// <see langword="null"/> when it was configured.
    /// </summary>
    internal string? ProfileBasis { get; private set; }

    /// <summary>
    /// Whether <see cref="Profile"/> only stands in for a database that writes no modelled log: it prices the work, but the
    /// limits of the engine it models (MariaDB/MySQL's cache and packet caps) are not that database's.
    /// </summary>
    internal bool ProfileIsStandIn { get; private set; }

    /// <summary>The profile the guard estimates with: every session has chosen one before it estimates.</summary>
    internal ReplicationProfile EffectiveProfile => Profile ?? throw new InvalidOperationException("The guard estimates only once a profile is chosen.");

    /// <summary>Runs <paramref name="configure"/> on fresh defaults and validates the result; the guard keeps this snapshot.</summary>
    internal static BulkSafetyOptions Create(Action<BulkSafetyOptions>? configure)
    {
        var options = new BulkSafetyOptions();
        configure?.Invoke(options);
        options.Validate();
        return options.MemberwiseCloneOptions();
    }

    /// <summary>A copy whose unset profile is <paramref name="profile"/>, chosen by the guard for the reason <paramref name="basis"/> (<paramref name="standIn"/>: see <see cref="ProfileIsStandIn"/>).</summary>
    internal BulkSafetyOptions WithChosenProfile(ReplicationProfile profile, string basis, bool standIn = false)
    {
        var copy = MemberwiseCloneOptions();
        copy.Profile = profile;
        copy.ProfileBasis = basis;
        copy.ProfileIsStandIn = standIn;
        return copy;
    }

    /// <summary>A copy with another rolling-window budget: a batched job paces itself against its own share.</summary>
    internal BulkSafetyOptions WithMaxBytesPerMinute(long maxBytesPerMinute)
    {
        var copy = MemberwiseCloneOptions();
        copy.MaxBytesPerMinute = maxBytesPerMinute;
        return copy;
    }

    private BulkSafetyOptions MemberwiseCloneOptions() => (BulkSafetyOptions)MemberwiseClone();

    /// <summary>Throws for the first option out of range, naming it.</summary>
    internal void Validate()
    {
        Positive(nameof(MaxBytesPerUnitOfWork), MaxBytesPerUnitOfWork);
        Positive(nameof(MaxRowsPerUnitOfWork), MaxRowsPerUnitOfWork);
        Positive(nameof(MaxBytesPerMinute), MaxBytesPerMinute);
        Positive(nameof(MaxRewritesPerRowPerMinute), MaxRewritesPerRowPerMinute);
        if (!(MaxTableFraction > 0 && MaxTableFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTableFraction), MaxTableFraction, $"BulkSafetyOptions.{nameof(MaxTableFraction)} must be greater than 0 and at most 1.");
        }

        if (LogUnitsOfWorkFromBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LogUnitsOfWorkFromBytes), LogUnitsOfWorkFromBytes, $"BulkSafetyOptions.{nameof(LogUnitsOfWorkFromBytes)} must not be negative.");
        }

        if (MinTableRowsForFraction < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinTableRowsForFraction), MinTableRowsForFraction, $"BulkSafetyOptions.{nameof(MinTableRowsForFraction)} must not be negative.");
        }

        if (ReplicaMaxBinlogCacheSize is { } cacheSize)
        {
            Positive(nameof(ReplicaMaxBinlogCacheSize), cacheSize);
        }

        if (ReplicaMaxAllowedPacket is { } packet)
        {
            Positive(nameof(ReplicaMaxAllowedPacket), packet);
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"BulkSafetyOptions.{nameof(Mode)} is not a BulkSafetyMode.");
        }

        if (!Enum.IsDefined(OnUnknown))
        {
            throw new ArgumentOutOfRangeException(nameof(OnUnknown), OnUnknown, $"BulkSafetyOptions.{nameof(OnUnknown)} is not an UnknownCostPolicy.");
        }
    }

    private static void Positive(string option, long value)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(option, value, $"BulkSafetyOptions.{option} must be greater than 0.");
        }
    }
}
