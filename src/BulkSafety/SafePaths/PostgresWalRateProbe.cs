using System.Data.Common;
using System.Globalization;

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
public sealed class PostgresWalRateProbe : IPacingProbe
{
    private const string Query = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS position";

    private readonly Func<DbConnection> _connectionFactory;
    private readonly TimeProvider _time;
    private readonly LogRateWindow _window;

    /// <summary>Creates the probe.</summary>
    /// <param name="connectionFactory">Returns a new connection to the primary (opened or not) each call; the probe disposes it.</param>
    /// <param name="maxBytesPerMinute">The WAL rate above which the job waits.</param>
    /// <param name="window">The window the rate is measured over; default one minute.</param>
    /// <param name="time">The clock; <see langword="null"/> for the system clock.</param>
    public PostgresWalRateProbe(Func<DbConnection> connectionFactory, long maxBytesPerMinute, TimeSpan? window = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytesPerMinute);
        _connectionFactory = connectionFactory;
        MaxBytesPerMinute = maxBytesPerMinute;
        _window = new LogRateWindow(window ?? TimeSpan.FromMinutes(1));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The WAL rate above which the job waits.</summary>
    public long MaxBytesPerMinute { get; }

    /// <summary>Reads the WAL position and returns the rate over the window, in bytes per minute.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<long> MeasureAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ProbeQuery.ReadAsync(_connectionFactory, Query, cancellationToken).ConfigureAwait(false);
        var position = ProbeQuery.Int64(rows[0], "position") ?? throw new InvalidOperationException("pg_current_wal_lsn() returned NULL.");
        return _window.AddAndMeasurePerMinute(_time.GetUtcNow(), position);
    }

    /// <inheritdoc/>
    public async ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
    {
        var rate = await MeasureAsync(cancellationToken).ConfigureAwait(false);
        var observation = string.Create(CultureInfo.InvariantCulture, $"the primary writes {rate:N0} B of WAL per minute (limit {MaxBytesPerMinute:N0} B/min, over {_window.Window.TotalSeconds:0.###} s)");
        return rate > MaxBytesPerMinute ? PacingVerdict.Wait(observation) : PacingVerdict.Proceed(observation);
    }
}
