using System.Globalization;
using System.Text.RegularExpressions;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>One WAL record as <c>pg_walinspect</c> reports it.</summary>
public sealed partial record WalRecord(
    ulong StartLsn, string ResourceManager, string RecordType, int RecordLength, int FullPageImageLength, string Description, string BlockReferences)
{
    /// <summary>Bytes the record occupies in the WAL stream: its length rounded up to 8 (MAXALIGN).</summary>
    public long AlignedLength => (RecordLength + 7) & ~7L;

    /// <summary>
    /// True for records no workload statement asked for, counted apart rather than charged to the workload: the
    /// bgwriter's RUNNING_XACTS snapshot (logged every 15 s while the server is busy, so one can land in any window), and
    /// opportunistic pruning of system-catalog pages (relfilenode below 16384), whose dead tuples come from the setup's
    /// DROP/CREATE TABLE and which the planner's catalog reads clean up. Pruning of the workload's own tables counts.
    /// </summary>
    public bool IsBackground =>
        (ResourceManager == "Standby" && RecordType == "RUNNING_XACTS")
        || (ResourceManager == "Heap2" && RecordType == "PRUNE" && TouchesOnlySystemCatalogs());

    private bool TouchesOnlySystemCatalogs()
    {
        const int FirstNormalObjectId = 16384;
        var relations = BlockReference().Matches(BlockReferences);
        return relations.Count > 0
            && relations.All(match => long.Parse(match.Groups["relfilenode"].Value, CultureInfo.InvariantCulture) < FirstNormalObjectId);
    }

    // pg_walinspect's block_ref: "blkref #0: rel 1663/5/1259 fork main blk 1 ..." (tablespace/database/relfilenode).
    [GeneratedRegex(@"rel \d+/\d+/(?<relfilenode>\d+)")]
    private static partial Regex BlockReference();
}

/// <summary>
/// What a workload added to the WAL. <see cref="LsnBytes"/> is the raw insert-position delta; it splits exactly into the
/// 8-byte-aligned records plus the page headers crossed (24 B per 8 KB page, 40 B at a segment start), and the records
/// split into the workload's own and the background's.
/// </summary>
public sealed class WalMeasurement(ulong startLsn, ulong endLsn, IReadOnlyList<WalRecord> records, int blockSize, long segmentSize)
{
    private const int ShortPageHeader = 24;
    private const int LongPageHeader = 40;

    /// <summary>Insert position before the workload.</summary>
    public ulong StartLsn { get; } = startLsn;

    /// <summary>Insert position after the workload.</summary>
    public ulong EndLsn { get; } = endLsn;

    /// <summary>Every record between the two positions, in WAL order.</summary>
    public IReadOnlyList<WalRecord> Records { get; } = records;

    /// <summary><c>pg_wal_lsn_diff(end, start)</c>: everything the WAL grew by.</summary>
    public long LsnBytes => (long)(EndLsn - StartLsn);

    /// <summary>The aligned records, background included, without page headers.</summary>
    public long RecordBytes => Records.Sum(r => r.AlignedLength);

    /// <summary>WAL page headers between the two positions.</summary>
    public long PageHeaderBytes
    {
        get
        {
            var pages = (long)((EndLsn - 1) / (ulong)blockSize) - (long)(StartLsn / (ulong)blockSize);
            var segments = (long)((EndLsn - 1) / (ulong)segmentSize) - (long)(StartLsn / (ulong)segmentSize);
            return (pages * ShortPageHeader) + (segments * (LongPageHeader - ShortPageHeader));
        }
    }

    /// <summary>Aligned bytes of background records (see <see cref="WalRecord.IsBackground"/>).</summary>
    public long BackgroundBytes => Records.Where(r => r.IsBackground).Sum(r => r.AlignedLength);

    /// <summary>The workload's own records, aligned, without page headers or background records: the figure that is
    /// stable from run to run and that the tests compare.</summary>
    public long WorkloadBytes => RecordBytes - BackgroundBytes;

    /// <summary>Bytes of full-page images inside the workload's records (zero in a steady measurement).</summary>
    public long FullPageImageBytes => Records.Where(r => !r.IsBackground).Sum(r => (long)r.FullPageImageLength);

    /// <summary>Aligned bytes of the workload's records of one kind, e.g. ("Heap", "HOT_UPDATE").</summary>
    public long BytesOf(string resourceManager, string recordType) =>
        Records.Where(r => !r.IsBackground && r.ResourceManager == resourceManager && r.RecordType == recordType).Sum(r => r.AlignedLength);

    /// <summary>The per-record breakdown on one line, for messages.</summary>
    public override string ToString() =>
        $"{WorkloadBytes:N0} B workload ({LsnBytes:N0} B LSN delta, {PageHeaderBytes} B page headers, {BackgroundBytes} B background) = " +
        string.Join(", ", Records.Select(r => $"{r.ResourceManager}/{r.RecordType} {r.AlignedLength}{(r.FullPageImageLength > 0 ? $" (FPI {r.FullPageImageLength})" : string.Empty)} [{r.BlockReferences}]"));
}
