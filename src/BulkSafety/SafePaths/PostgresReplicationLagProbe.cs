using System.Data.Common;
using System.Globalization;

namespace BulkSafety.SafePaths;

/// <summary>
/// Replica lag seen from a PostgreSQL primary, through <c>pg_stat_replication</c>: a batched job waits while a
/// streaming replica is more than <c>maxLag</c> behind (1 second by default, as pt-archiver's <c>--max-lag</c>), more
/// than <c>maxReplayBytes</c> of WAL behind, or while fewer replicas than expected are connected.
/// </summary>
/// <remarks>
/// A replica's lag is the larger of two measures. <c>replay_lag</c> is PostgreSQL's own, but it only moves when the
/// replica replays something: a replica whose replay is stuck (paused, or blocked by a query conflict) keeps showing its
/// last, small value. So the probe also remembers the primary's WAL position at each check: the replica is at least as
/// far behind as the time since the first check that saw the primary ahead of the replica's replay position. A replica
/// that has replayed everything the primary wrote is not behind, whatever <c>replay_lag</c> still shows.
/// </remarks>
public sealed class PostgresReplicationLagProbe : IPacingProbe
{
    private const string Query = """
        SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS current_lsn,
               r.application_name, r.client_addr::text AS client_addr,
               pg_wal_lsn_diff(r.replay_lsn, '0/0')::bigint AS replay_lsn,
               EXTRACT(EPOCH FROM r.replay_lag)::float8 AS replay_lag
        FROM (SELECT 1) AS one
        LEFT JOIN pg_stat_replication AS r ON r.state IN ('streaming', 'catchup') AND r.application_name <> 'pg_basebackup'
        """;

    private static readonly TimeSpan History = TimeSpan.FromMinutes(10);

    private readonly Func<DbConnection> _connectionFactory;
    private readonly TimeProvider _time;
    private readonly List<(long At, long Position)> _positions = [];

    /// <summary>Creates the probe.</summary>
    /// <param name="connectionFactory">Returns a new connection to the primary (opened or not) each call; the probe disposes it.</param>
    /// <param name="maxLag">The lag above which the job waits; default 1 second.</param>
    /// <param name="maxReplayBytes">WAL bytes not yet replayed above which the job waits; <see langword="null"/> (the default) for no byte limit.</param>
    /// <param name="expectedReplicas">How many streaming replicas must be connected; fewer is treated as lag (a replica that dropped out is the most lagged of all). Default 1.</param>
    /// <param name="time">The clock; <see langword="null"/> for the system clock.</param>
    public PostgresReplicationLagProbe(Func<DbConnection> connectionFactory, TimeSpan? maxLag = null, long? maxReplayBytes = null, int expectedReplicas = 1, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedReplicas);
        if (maxLag is { } lag && lag <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLag), maxLag, "The lag limit must be positive.");
        }

        if (maxReplayBytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxReplayBytes), maxReplayBytes, "The replay-byte limit is not negative.");
        }

        _connectionFactory = connectionFactory;
        MaxLag = maxLag ?? TimeSpan.FromSeconds(1);
        MaxReplayBytes = maxReplayBytes;
        ExpectedReplicas = expectedReplicas;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The lag above which the job waits.</summary>
    public TimeSpan MaxLag { get; }

    /// <summary>The WAL bytes not yet replayed above which the job waits, if set.</summary>
    public long? MaxReplayBytes { get; }

    /// <summary>How many streaming replicas must be connected.</summary>
    public int ExpectedReplicas { get; }

    /// <summary>Measures every connected streaming replica.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<ReplicaLag>> MeasureAsync(CancellationToken cancellationToken = default)
    {
        var rows = await PacingQuery.ReadAsync(_connectionFactory, Query, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().UtcTicks;
        var current = PacingQuery.Int64(rows[0], "current_lsn") ?? 0;
        Remember(now, current);
        var lags = new List<ReplicaLag>();
        foreach (var row in rows)
        {
            if (PacingQuery.Text(row, "application_name") is not { } name)
            {
                continue;
            }

            var replayed = PacingQuery.Int64(row, "replay_lsn") ?? 0;
            var behind = Math.Max(0, current - replayed);
            var lag = behind == 0 ? TimeSpan.Zero : Max(TimeSpan.FromSeconds(PacingQuery.Double(row, "replay_lag") ?? 0), StuckFor(replayed, now));
            lags.Add(new ReplicaLag($"{name}@{PacingQuery.Text(row, "client_addr")}", lag, behind));
        }

        return lags;
    }

    /// <inheritdoc/>
    public async ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
    {
        var lags = await MeasureAsync(cancellationToken).ConfigureAwait(false);
        if (lags.Count < ExpectedReplicas)
        {
            return PacingVerdict.Wait(Invariant($"{lags.Count} of the {ExpectedReplicas} expected replicas are streaming"));
        }

        foreach (var replica in lags)
        {
            if (replica.Lag > MaxLag)
            {
                return PacingVerdict.Wait(Invariant($"replica {replica} (limit {MaxLag.TotalSeconds:0.###} s)"));
            }

            if (replica.BytesBehind > MaxReplayBytes)
            {
                return PacingVerdict.Wait(Invariant($"replica {replica} (limit {MaxReplayBytes:N0} B)"));
            }
        }

        return PacingVerdict.Proceed(lags.Count == 0 ? "no replica expected or connected" : string.Join("; ", lags));
    }

    private void Remember(long now, long position)
    {
        if (_positions.Count > 0 && position < _positions[^1].Position)
        {
            _positions.Clear();
        }

        _positions.Add((now, position));
        var old = _positions.FindIndex(p => p.At >= now - History.Ticks);
        if (old > 0)
        {
            _positions.RemoveRange(0, old);
        }
    }

    // The WAL just after the replayed position was written after the last check that saw the primary at or before it, so
    // no earlier than the first check that saw the primary past it: the replica has been behind at least since then.
    private TimeSpan StuckFor(long replayed, long now)
    {
        foreach (var (at, position) in _positions)
        {
            if (position > replayed)
            {
                return TimeSpan.FromTicks(now - at);
            }
        }

        return TimeSpan.Zero;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
