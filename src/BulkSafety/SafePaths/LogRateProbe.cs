using System.Data.Common;
using System.Globalization;

namespace BulkSafety.SafePaths;

/// <summary>
/// A primary's replication-log rate as a pacing probe: at each check the log's write position is read and the bytes
/// written within the window are compared with a limit. The guard's ledger sees one process; the primary's log is the
/// fleet-wide truth — every application instance, every job, everything else — with no coordination service.
/// </summary>
public abstract class LogRateProbe : IPacingProbe
{
    private readonly TimeProvider _time;
    private readonly LogRateWindow _window;

    private protected LogRateProbe(Func<DbConnection> connectionFactory, long maxBytesPerMinute, TimeSpan? window, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytesPerMinute);
        ConnectionFactory = connectionFactory;
        MaxBytesPerMinute = maxBytesPerMinute;
        _window = new LogRateWindow(window ?? TimeSpan.FromMinutes(1));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The log rate above which the job waits.</summary>
    public long MaxBytesPerMinute { get; }

    /// <summary>Returns a new connection to the primary (opened or not) each call; the probe disposes it.</summary>
    private protected Func<DbConnection> ConnectionFactory { get; }

    /// <summary>What the log is called in observations: <c>WAL</c>, <c>binlog</c>.</summary>
    private protected abstract string LogName { get; }

    /// <summary>Reads the log's write position and returns the rate over the window, in bytes per minute.</summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<long> MeasureAsync(CancellationToken cancellationToken = default)
    {
        var position = await ReadPositionAsync(cancellationToken).ConfigureAwait(false);
        return _window.AddAndMeasurePerMinute(_time.GetUtcNow(), position);
    }

    /// <inheritdoc/>
    public async ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
    {
        var rate = await MeasureAsync(cancellationToken).ConfigureAwait(false);
        var observation = string.Create(CultureInfo.InvariantCulture, $"the primary writes {rate:N0} B of {LogName} per minute (limit {MaxBytesPerMinute:N0} B/min, over {_window.Window.TotalSeconds:0.###} s)");
        return rate > MaxBytesPerMinute ? PacingVerdict.Wait(observation) : PacingVerdict.Proceed(observation);
    }

    /// <summary>The bytes the log has grown by, from any fixed origin: only differences between two reads count.</summary>
    private protected abstract Task<long> ReadPositionAsync(CancellationToken cancellationToken);
}
