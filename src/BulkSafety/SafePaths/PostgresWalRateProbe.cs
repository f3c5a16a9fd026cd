using System.Data.Common;

namespace BulkSafety.SafePaths;

/// <summary>
/// The WAL rate of a PostgreSQL primary, from <c>pg_current_wal_lsn()</c> at each check: a batched job waits while the
/// server as a whole — every application instance, every job, and everything else — has written more than
/// <c>maxBytesPerMinute</c> of WAL within the window. The guard's ledger sees one process; the primary's log is the
/// fleet-wide truth, with no coordination service.
/// </summary>
/// <remarks>
/// The rate is the WAL written between the start of the window (interpolated between checks) and now; before the
/// window has filled, what was written since the first check. Run it against the primary: a standby has no current WAL
/// position.
/// </remarks>
public sealed class PostgresWalRateProbe : LogRateProbe
{
    private const string Query = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS position";

    /// <summary>Creates the probe.</summary>
    /// <param name="connectionFactory">Returns a new connection to the primary (opened or not) each call; the probe disposes it.</param>
    /// <param name="maxBytesPerMinute">The WAL rate above which the job waits.</param>
    /// <param name="window">The window the rate is measured over; default one minute.</param>
    /// <param name="time">The clock; <see langword="null"/> for the system clock.</param>
    public PostgresWalRateProbe(Func<DbConnection> connectionFactory, long maxBytesPerMinute, TimeSpan? window = null, TimeProvider? time = null)
        : base(connectionFactory, maxBytesPerMinute, window, time)
    {
    }

    private protected override string LogName => "WAL";

    private protected override async Task<long> ReadPositionAsync(CancellationToken cancellationToken)
    {
        var rows = await PacingQuery.ReadAsync(ConnectionFactory, Query, cancellationToken).ConfigureAwait(false);
        return PacingQuery.Int64(rows[0], "position") ?? throw new InvalidOperationException("pg_current_wal_lsn() returned NULL.");
    }
}
