namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>A position in the binary log, as <c>SHOW MASTER STATUS</c> prints it.</summary>
public sealed record BinlogPosition(string File, long Position);

/// <summary>One event from <c>SHOW BINLOG EVENTS</c>; its size on disk is <c>End_log_pos - Pos</c> (header and CRC32
/// included).</summary>
public sealed record BinlogEvent(string EventType, long Position, long EndPosition, string Info)
{
    /// <summary>Bytes the event occupies in the binlog file.</summary>
    public long Size => EndPosition - Position;
}

/// <summary>What a workload added to the binlog: the position delta and the events that make it up.</summary>
public sealed class BinlogMeasurement(BinlogPosition start, BinlogPosition end, IReadOnlyList<BinlogEvent> events)
{
    /// <summary>Position before the workload.</summary>
    public BinlogPosition Start { get; } = start;

    /// <summary>Position after the workload.</summary>
    public BinlogPosition End { get; } = end;

    /// <summary>The events between <see cref="Start"/> and <see cref="End"/>, in log order.</summary>
    public IReadOnlyList<BinlogEvent> Events { get; } = events;

    /// <summary>Binlog bytes written by the workload (the position delta).</summary>
    public long Bytes => End.Position - Start.Position;

    /// <summary>Bytes of the events of one type, e.g. <c>Update_rows_v1</c>.</summary>
    public long BytesOf(string eventType) => Events.Where(e => e.EventType == eventType).Sum(e => e.Size);

    /// <summary>Number of events of one type.</summary>
    public int CountOf(string eventType) => Events.Count(e => e.EventType == eventType);

    /// <summary>The per-event breakdown on one line, e.g. <c>Gtid 42, Annotate_rows 77, ...</c>, for messages.</summary>
    public override string ToString() =>
        $"{Bytes:N0} B = " + string.Join(", ", Events.Select(e => $"{e.EventType} {e.Size}"));
}
