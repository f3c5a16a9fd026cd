namespace BulkSafety.SafePaths;

/// <summary>
/// A log's write position sampled over time (PostgreSQL's WAL LSN, MySQL's binlog bytes), turned into the bytes written
/// within the last window: the position now minus the position at the window's start, interpolated between the two
/// samples around it. Before the window has filled, the bytes since the first sample count — a rate that starts low and
/// never extrapolates a short burst to a minute.
/// </summary>
internal sealed class LogRateWindow
{
    private readonly List<(long At, long Position)> _samples = [];
    private readonly TimeSpan _window;

    public LogRateWindow(TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "A log-rate window must be positive.");
        }

        _window = window;
    }

    public TimeSpan Window => _window;

    /// <summary>Adds a sample and returns the bytes written within the window before it, scaled to a minute.</summary>
    public long AddAndMeasurePerMinute(DateTimeOffset at, long position)
    {
        var now = at.UtcTicks;
        if (_samples.Count > 0 && (position < _samples[^1].Position || now < _samples[^1].At))
        {
            // The log went back (a restored server, another primary): start over.
            _samples.Clear();
        }

        _samples.Add((now, position));
        var start = now - _window.Ticks;

        // Keep one sample at or before the window's start, for the interpolation.
        var firstInside = _samples.FindIndex(s => s.At > start);
        if (firstInside > 1)
        {
            _samples.RemoveRange(0, firstInside - 1);
        }

        var (at0, position0) = _samples[0];
        double atStart = position0;
        if (at0 < start && _samples.Count > 1)
        {
            var (at1, position1) = _samples[1];
            atStart = position0 + ((position1 - position0) * (double)(start - at0) / (at1 - at0));
        }

        var bytes = position - atStart;
        return (long)Math.Round(bytes * TimeSpan.FromMinutes(1).Ticks / _window.Ticks);
    }
}
