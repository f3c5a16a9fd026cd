using System.Diagnostics.Metrics;
using BulkSafety;

namespace IncidentReplay;

/// <summary>
/// Listens to the guard's <c>BulkSafety</c> meter: estimated log bytes of committed work per table, violations and
/// throttle waits — the same numbers a dashboard would show.
/// </summary>
public sealed class VolumeMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _bytesByTable = [];
    private long _violations;
    private long _throttleWaits;

    public VolumeMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BulkSafetyInfo.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_gate)
            {
                switch (instrument.Name)
                {
                    case "bulksafety.estimated_bytes":
                        foreach (var tag in tags)
                        {
                            if (tag.Key == "table" && tag.Value is string table)
                            {
                                _bytesByTable[table] = _bytesByTable.GetValueOrDefault(table) + value;
                            }
                        }

                        break;
                    case "bulksafety.violations":
                        _violations += value;
                        break;
                }
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "bulksafety.throttle.wait")
            {
                Interlocked.Increment(ref _throttleWaits);
            }
        });
        _listener.Start();
    }

    /// <summary>What was measured since the last call, and a fresh start.</summary>
    public Volume Take()
    {
        lock (_gate)
        {
            var volume = new Volume(new Dictionary<string, long>(_bytesByTable), _violations, Interlocked.Exchange(ref _throttleWaits, 0));
            _bytesByTable.Clear();
            _violations = 0;
            return volume;
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Estimated log bytes of committed work per table, violations and throttle waits of one run.</summary>
public sealed record Volume(IReadOnlyDictionary<string, long> BytesByTable, long Violations, long ThrottleWaits)
{
    public long Bytes => BytesByTable.Values.Sum();
}
