using BulkSafety.IntegrationTests.Workloads;
using static BulkSafety.IntegrationTests.Postgres.IncidentWalArithmetic;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// What PostgreSQL 15 really writes to its WAL for the incident's statements, against the worked examples of
/// ENGINE-NOTES.md §5 (re-measured here). Figures are the workload's own records (<see cref="WalMeasurement.WorkloadBytes"/>):
/// aligned, without page headers or background records, which makes them exact and stable.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WalGroundTruthTests(PostgresFixture fixture)
{
    [Fact]
    public async Task CounterUpdate_Logical50KbSteady_LogsLockHotUpdateAndCommit_264Bytes()
    {
        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.UpdateCounter, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Steady);

        Assert.Equal(264, measured.WorkloadBytes);
        Assert.Equal(
            [("Heap", "LOCK", 56L), ("Heap", "HOT_UPDATE", 160L), ("Transaction", "COMMIT", 48L)],
            measured.Records.Where(r => !r.IsBackground).Select(r => (r.ResourceManager, r.RecordType, r.AlignedLength)));
    }

    [Fact]
    public async Task CounterUpdate_Replica50KbSteady_LogsOnlyTheChangedByte_176Bytes()
    {
        var measured = await MeasureAsync(WalLevel.Replica, WorkloadShape.UpdateCounter, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Steady);

        // ENGINE-NOTES predicts 184 B with A8(65 + (t_hoff - 23) + 4 + changed bytes) and the counter's 4 bytes as the
        // change. At wal_level=replica the new tuple is logged minus the prefix and suffix it shares with the old one, and
        // posts_count 9 -> 8 differs in its lowest byte only: HOT_UPDATE = 65 + 9 + 4 + 1 = 79 -> 80, so 56 + 80 + 40.
        Assert.Equal(176, measured.WorkloadBytes);
        Assert.Equal(
            [("LOCK", 54), ("HOT_UPDATE", 79), ("COMMIT", 34)],
            measured.Records.Where(r => !r.IsBackground).Select(r => (r.RecordType, r.RecordLength)));
    }

    [Fact]
    public async Task CounterUpdate_LogicalReplicaIdentityFull50Kb_LogsTheDetoastedOldRow()
    {
        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.UpdateCounter, TextSize.FiftyKb, ReplicaIdentity.Full, WalStart.Steady);

        // HOT_UPDATE = 24 + 20 + 5 + 14 + (5 + 51,304 - 23) + 5 + 89 = 51,443 -> 51,448 aligned; + LOCK 56 + COMMIT 48.
        Assert.Equal(51_552, measured.WorkloadBytes);
        Assert.Equal(51_448, measured.BytesOf("Heap", "HOT_UPDATE"));
    }

    public static TheoryData<string, ReplicaIdentity> LogicalCases
    {
        get
        {
            var cases = new TheoryData<string, ReplicaIdentity>();
            foreach (var size in TextSize.All)
            {
                cases.Add(size.Name, ReplicaIdentity.Default);
                cases.Add(size.Name, ReplicaIdentity.Full);
            }

            return cases;
        }
    }

    public static TheoryData<string> TextSizes => [.. TextSize.All.Select(size => size.Name)];

    [Theory]
    [MemberData(nameof(LogicalCases))]
    public async Task CounterUpdate_LogicalSteady_LogsTheNewTupleAndWithIdentityFullTheDetoastedOldOne(string size, ReplicaIdentity identity)
    {
        var text = TextSize.All.Single(s => s.Name == size);

        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.UpdateCounter, text, identity, WalStart.Steady);

        Assert.Equal((IsToasted(text) ? TupleLock : 0) + LogicalHotUpdate(text, identity) + LogicalCommit, measured.WorkloadBytes);
    }

    [Theory]
    [MemberData(nameof(TextSizes))]
    public async Task CounterUpdate_ReplicaSteady_LogsTheChangedBytesWhateverTheTextSize(string size)
    {
        var text = TextSize.All.Single(s => s.Name == size);

        var measured = await MeasureAsync(WalLevel.Replica, WorkloadShape.UpdateCounter, text, ReplicaIdentity.Full, WalStart.Steady);

        // REPLICA IDENTITY only matters to logical decoding: at wal_level=replica FULL logs no old row.
        Assert.Equal((IsToasted(text) ? TupleLock : 0) + ReplicaHotUpdateOfOneByte + ReplicaCommit, measured.WorkloadBytes);
    }

    [Theory]
    [InlineData(WalLevel.Replica, ReplicaIdentity.Default)]
    [InlineData(WalLevel.Logical, ReplicaIdentity.Default)]
    [InlineData(WalLevel.Logical, ReplicaIdentity.Full)]
    public async Task ChildDelete_Steady_LogsNoTupleAtReplica_TheKeyOrTheWholeOldRowAtLogical(WalLevel level, ReplicaIdentity identity)
    {
        var measured = await MeasureAsync(level, WorkloadShape.DeleteChild, TextSize.FiftyKb, identity, WalStart.Steady);

        var expected = level == WalLevel.Replica
            ? ReplicaDelete + ReplicaCommit
            : LogicalDelete(identity == ReplicaIdentity.Full ? PostTupleLength : KeyTupleLength) + LogicalCommit;
        Assert.Equal(expected, measured.WorkloadBytes);
    }

    [Fact]
    public async Task Steady_HasNoFullPageImages_Cold_Has()
    {
        var steady = await MeasureAsync(WalLevel.Logical, WorkloadShape.UpdateCounter, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Steady);
        var cold = await MeasureAsync(WalLevel.Logical, WorkloadShape.UpdateCounter, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Cold);

        Assert.Equal(0, steady.FullPageImageBytes);
        Assert.InRange(cold.FullPageImageBytes, 1, 8192);
        // The first change of the page after the checkpoint carries its image (hole removed) plus a 5-byte image header.
        Assert.Equal(steady.WorkloadBytes + Align8(cold.FullPageImageBytes + 5), cold.WorkloadBytes);
    }

    [Fact]
    public async Task LsnDelta_IsTheAlignedRecordsPlusPageHeaders()
    {
        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.InsertGroup, TextSize.HundredKb, ReplicaIdentity.Default, WalStart.Steady);

        Assert.True(measured.PageHeaderBytes >= 12 * 24, $"a 100 KB insert crosses at least 12 WAL pages: {measured}");
        Assert.Equal(measured.LsnBytes, measured.RecordBytes + measured.PageHeaderBytes);
    }

    [Fact]
    public async Task NoOpUpdate_StillWritesAHotUpdate_UnlikeMariaDb()
    {
        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.NoOpUpdate, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Steady);

        Assert.Equal(160, measured.BytesOf("Heap", "HOT_UPDATE"));
    }

    [Fact]
    public async Task DeleteNothing_WritesNothing()
    {
        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.DeleteNothing, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Steady);

        Assert.Equal(0, measured.WorkloadBytes);
    }

    [Fact]
    public async Task CascadeDelete_LogsEveryCascadedChildRow()
    {
        var measured = await MeasureAsync(WalLevel.Logical, WorkloadShape.CascadeDelete, TextSize.FiftyKb, ReplicaIdentity.Default, WalStart.Steady);

        var heapDeletes = measured.Records.Count(r => r.ResourceManager == "Heap" && r.RecordType == "DELETE");
        // group 7 + its 10 posts + 5 memberships, plus the 26 TOAST chunks of the 50 KB description
        Assert.Equal(1 + Workload.Children + Workload.Memberships + 26, heapDeletes);
    }

    private static long Align8(long bytes) => (bytes + 7) & ~7L;

    private async Task<WalMeasurement> MeasureAsync(WalLevel level, WorkloadShape shape, TextSize text, ReplicaIdentity identity, WalStart start)
    {
        await fixture.Server.SetWalLevelAsync(level);
        return await fixture.Meter.MeasureAsync(IncidentWorkloads.ForPostgres(shape, text, identity), start);
    }
}
