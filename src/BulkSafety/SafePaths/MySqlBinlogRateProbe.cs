using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BulkSafety.SafePaths;

/// <summary>
/// The binlog rate of a MySQL or MariaDB primary, from <c>SHOW MASTER STATUS</c> (<c>SHOW BINARY LOG STATUS</c> on MySQL
/// 8.2+) position deltas: a batched job waits while the server as a whole has written more than
/// <c>maxBytesPerMinute</c> of binlog within the window — the fleet-wide truth that no process's own ledger sees.
/// </summary>
/// <remarks>
/// When the binlog rotates to a new file between two checks, <c>SHOW BINARY LOGS</c> supplies the sizes of the files
/// in between. It runs over any ADO.NET <see cref="DbConnection"/> (tested through MySqlConnector on MariaDB 10.11).
/// Needs the <c>REPLICATION CLIENT</c> (MySQL) or <c>BINLOG MONITOR</c> (MariaDB) privilege.
/// </remarks>
public sealed class MySqlBinlogRateProbe : LogRateProbe
{
    internal static readonly string[] StatusStatements = ["SHOW MASTER STATUS", "SHOW BINARY LOG STATUS"];

    internal const string ListStatement = "SHOW BINARY LOGS";

    private readonly StrongBox<int> _statement = new(0);
    private BinlogPosition? _last;
    private long _written;

    /// <summary>Creates the probe.</summary>
    /// <param name="connectionFactory">Returns a new connection to the primary (opened or not) each call; the probe disposes it.</param>
    /// <param name="maxBytesPerMinute">The binlog rate above which the job waits.</param>
    /// <param name="window">The window the rate is measured over; default one minute.</param>
    /// <param name="time">The clock; <see langword="null"/> for the system clock.</param>
    public MySqlBinlogRateProbe(Func<DbConnection> connectionFactory, long maxBytesPerMinute, TimeSpan? window = null, TimeProvider? time = null)
        : base(connectionFactory, maxBytesPerMinute, window, time)
    {
    }

    private protected override string LogName => "binlog";

    // The binlog bytes written since the first read: positions are per file, so a rotation adds the files in between.
    private protected override async Task<long> ReadPositionAsync(CancellationToken cancellationToken)
    {
        var status = await PacingQuery.ReadFirstSupportedAsync(ConnectionFactory, StatusStatements, _statement, cancellationToken).ConfigureAwait(false);
        var position = FromStatus(status);
        if (_last is { } last)
        {
            var logs = last.File == position.File ? [] : FromBinaryLogs(await PacingQuery.ReadAsync(ConnectionFactory, ListStatement, cancellationToken).ConfigureAwait(false));
            _written += BytesBetween(last, position, logs) ?? 0;
        }

        _last = position;
        return _written;
    }

    /// <summary>The current file and position in a <c>SHOW MASTER STATUS</c> result; throws when binary logging is off (no row).</summary>
    internal static BinlogPosition FromStatus(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        if (rows.Count == 0 || PacingQuery.Text(rows[0], "File") is not { Length: > 0 } file || PacingQuery.Int64(rows[0], "Position") is not { } position)
        {
            throw new InvalidOperationException("SHOW MASTER STATUS returned no position: binary logging is off on the server the probe connects to.");
        }

        return new BinlogPosition(file, position);
    }

    /// <summary>The files and sizes in a <c>SHOW BINARY LOGS</c> result, oldest first.</summary>
    internal static IReadOnlyList<(string Name, long Size)> FromBinaryLogs(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
        => [.. rows.Select(r => (PacingQuery.Text(r, "Log_name") ?? "", PacingQuery.Int64(r, "File_size") ?? 0))];

    /// <summary>
    /// The binlog bytes written from <paramref name="from"/> to <paramref name="to"/>: within one file, the position's
    /// difference; across a rotation, the rest of the first file, the files in between and the start of the last (from
    /// <paramref name="logs"/>). <see langword="null"/> when the first file is no longer listed (purged) or the order
    /// does not add up.
    /// </summary>
    internal static long? BytesBetween(BinlogPosition from, BinlogPosition to, IReadOnlyList<(string Name, long Size)> logs)
    {
        if (from.File == to.File)
        {
            return to.Position >= from.Position ? to.Position - from.Position : null;
        }

        var first = -1;
        var last = -1;
        for (var i = 0; i < logs.Count; i++)
        {
            if (logs[i].Name == from.File)
            {
                first = i;
            }

            if (logs[i].Name == to.File)
            {
                last = i;
            }
        }

        if (first < 0 || last <= first)
        {
            return null;
        }

        var bytes = logs[first].Size - from.Position + to.Position;
        for (var i = first + 1; i < last; i++)
        {
            bytes += logs[i].Size;
        }

        return bytes;
    }
}

/// <summary>A place in a MySQL/MariaDB binlog: the file and the byte position in it.</summary>
internal readonly record struct BinlogPosition(string File, long Position);
