using BulkSafety.Estimation;

namespace BulkSafety.Tests.Estimation;

/// <summary>
/// The PostgreSQL WAL model against the worked examples of ENGINE-NOTES §5 (50 KB description, steady state). The
/// notes apply the page-header factor over the whole stream; the profile applies it per transaction, rounded, so a
/// hand-computed figure here can differ from the notes' by a byte.
/// </summary>
public sealed class PostgresWalProfileTests
{
    [Fact]
    public void CounterUpdate_Logical_LocksAndLogsTheNewTupleWithAToastPointer()
    {
        var profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var update = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count")));

        // New tuple: header 32 (NULL bitmap) + id 8 → 40, name 1 + 24 → 65, TOAST pointer 18 → 83, 3 ints aligned → 96,
        // 2 timestamps → 112. LOCK 56 + HOT_UPDATE A8(42 + 112) = 160.
        Assert.Equal(56 + 160, update);

        // COMMIT 48 and round((216 + 48) × 24 / 8168) = 1 byte of page headers.
        Assert.Equal(48 + 1, profile.EstimateTransactionOverhead(update));
    }

    [Fact]
    public void CounterUpdate_LogicalReplicaIdentityFull_LogsTheDetoastedOldRow()
    {
        var profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var update = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count")));

        // Old tuple inlined: 40, name → 65, description aligned to 68 + 4 + 51,200 → 51,272, ints → 51,284, timestamps aligned → 51,304.
        // HOT_UPDATE = 42 + 112 + (5 + 51,304 − 23) + 3 (5-byte main-data header) = 51,443 → A8 51,448; plus LOCK 56.
        Assert.Equal(56 + 51_448, update);

        // The notes' prediction: 51,703 with COMMIT and page headers (measured 51,696).
        Assert.Equal(51_703, update + profile.EstimateTransactionOverhead(update));
    }

    [Fact]
    public void PerChild_MatchesTheNotesModelForEachSetting()
    {
        // delete one post, then rewrite the parent's counter and its timestamp: three autocommit transactions.
        // Replica: DELETE 56 + COMMIT 40; counter LOCK 56 + A8(65 + 4 + 9 + 1) + 40; touch 56 + A8(65 + 4 + 9 + 3) + 40; 2 B of
        // page headers. The notes' model (465) counted the whole changed columns; measured here 449 B per child (10 children).
        Assert.Equal(458, PerChild(ReplicationProfile.PostgresWal(PostgresWalLevel.Replica)));
        Assert.Equal(650, PerChild(ReplicationProfile.PostgresWal(PostgresWalLevel.Logical)));                           // notes: 650
        Assert.Equal(103_751, PerChild(ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full))); // notes: 103,752
    }

    [Fact]
    public void HotUpdate_Replica_LogsOnlyTheChangedBytes()
    {
        var profile = ReplicationProfile.PostgresWal();
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var counter = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count")));
        var both = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count", "updated_at")));

        // LOCK 56 + A8(65 + (32 − 23) + 4 + 1): a counter moved by a small step changes its low byte; the 52 bytes before it
        // and the 27 after it are the common prefix and suffix, stored as two 2-byte lengths.
        Assert.Equal(56 + 80, counter);

        // posts_count at 84 through the low 3 bytes of updated_at (104..107): 23 changed bytes → A8(65 + 9 + 4 + 23) = 104.
        Assert.Equal(56 + 104, both);
    }

    [Fact]
    public void HotUpdate_Replica_StoresNoPrefixOrSuffixShorterThanThreeBytes()
    {
        var profile = ReplicationProfile.PostgresWal();
        var table = new TableShape("counters", [new ColumnShape("id", ColumnType.Int64, isKey: true), new ColumnShape("hits", ColumnType.Int64)]);
        ColumnValue[] row = [ColumnValue.Present, ColumnValue.Present];

        // Data 16 bytes, the low byte of hits at 8: prefix 8 (stored), suffix 7 (stored) → A8(65 + 4 + 1 + 1) = 72.
        Assert.Equal(72, profile.EstimateRow(table, RowChange.Update(row, row, [false, true])));

        // Assigning the key changes byte 0: no prefix (0 < 3), the rest up to the low byte of hits differs → 9 bytes,
        // suffix 7 → A8(65 + 2 + 1 + 9) = 80, and a new index entry (not HOT).
        Assert.Equal(80 + 64, profile.EstimateRow(table, RowChange.Update(row, row, [true, true])));
    }

    [Fact]
    public void Delete_Logical_KeyTupleCarriesTheNullBitmapOfTheOtherColumns()
    {
        // The old key is a tuple of all 9 columns with the 8 non-key ones NULL: header MAXALIGN(23 + 2) = 32, + id 8 = 40.
        // A8(59 + 40 − 23) = 80 (a table of at most 8 columns has a 24-byte header: see Delete_DependsOnLevelAndIdentity).
        Assert.Equal(80, ReplicationProfile.PostgresWal(PostgresWalLevel.Logical).EstimateRow(GroundTruthTables.Groups(), RowChange.Delete(GroundTruthTables.GroupRow(0))));
    }

    [Fact]
    public void Insert_ToastsALargeValueInChunks()
    {
        var profile = ReplicationProfile.PostgresWal();
        var table = new TableShape("notes", [new ColumnShape("id", ColumnType.Int64, isKey: true), new ColumnShape("body", ColumnType.Text())]);

        var insert = profile.EstimateRow(table, RowChange.Insert([ColumnValue.Present, ColumnValue.OfLength(10_000)]));

        // Tuple 24 + 8 + 18 (pointer) = 50 → A8(31 + 50) = 88; one B-tree entry 64;
        // 5 full chunks × (A8(67 + 1,996) + 64 = 2,128) + last chunk of 20 B: A8(87) + 64 = 152.
        Assert.Equal(88 + 64 + (5 * 2_128) + 152, insert);
    }

    [Fact]
    public void Insert_KeepsASmallValueInline()
    {
        var profile = ReplicationProfile.PostgresWal();
        var table = new TableShape("notes", [new ColumnShape("id", ColumnType.Int64, isKey: true), new ColumnShape("body", ColumnType.Text())], indexCount: 2);

        var insert = profile.EstimateRow(table, RowChange.Insert([ColumnValue.Present, ColumnValue.OfLength(200)]));

        // Tuple 24 + 8 + (4 + 200, aligned at 32) = 236 → A8(31 + 236) = 272; two B-tree entries.
        Assert.Equal(272 + 128, insert);
    }

    [Fact]
    public void Update_ReplacingAToastedValue_WritesNewChunksAndDeletesOldOnes()
    {
        var profile = ReplicationProfile.PostgresWal();
        var table = new TableShape("notes", [new ColumnShape("id", ColumnType.Int64, isKey: true), new ColumnShape("body", ColumnType.Text())]);
        ColumnValue[] before = [ColumnValue.Present, ColumnValue.OfLength(3_992)];
        ColumnValue[] after = [ColumnValue.Present, ColumnValue.OfLength(1_996)];

        var update = profile.EstimateRow(table, RowChange.Update(before, after, [false, true]));

        // The old 3,992-byte value was out of line (2 chunks). The new tuple, 24 + 8 + 4 + 1,996 = 2,032, is not above the
        // threshold, so the new value stays inline: LOCK 56 + A8(65 + 1 + 4 + 2,000 changed bytes) + 2 old chunks × 56.
        Assert.Equal(56 + 2_072 + 112, update);
    }

    [Fact]
    public void Delete_DependsOnLevelAndIdentity()
    {
        var posts = GroundTruthTables.Posts();
        var row = GroundTruthTables.PostRow();

        Assert.Equal(56, ReplicationProfile.PostgresWal().EstimateRow(posts, RowChange.Delete(row)));

        // Key tuple 24 + 8 = 32: A8(59 + 32 − 23) = 72.
        Assert.Equal(72, ReplicationProfile.PostgresWal(PostgresWalLevel.Logical).EstimateRow(posts, RowChange.Delete(row)));

        // Whole old tuple: 24, id → 32, group_id → 40, body aligned 40 + 4 + 200 → 244, author aligned → 256: A8(59 + 233) = 296.
        Assert.Equal(296, ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full).EstimateRow(posts, RowChange.Delete(row)));
    }

    [Fact]
    public void Delete_OfAToastedRow_DeletesItsChunks()
    {
        var groups = GroundTruthTables.Groups();

        // 51,200 bytes = 26 chunks of at most 1,996 bytes, one 56-byte record each.
        Assert.Equal(56 + (26 * 56), ReplicationProfile.PostgresWal().EstimateRow(groups, RowChange.Delete(GroundTruthTables.GroupRow())));
    }

    [Theory]
    [InlineData(PostgresWalLevel.Replica, PostgresReplicaIdentity.Default)]
    [InlineData(PostgresWalLevel.Logical, PostgresReplicaIdentity.Default)]
    [InlineData(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full)]
    public void MultiRowStatementAndCascades_LogOneRecordSetPerRow(PostgresWalLevel level, PostgresReplicaIdentity identity)
    {
        var profile = ReplicationProfile.PostgresWal(level, identity);
        var posts = GroundTruthTables.Posts();
        var delete = RowChange.Delete(GroundTruthTables.PostRow());
        var one = profile.EstimateRow(posts, delete);

        Assert.Equal(1_000 * one, profile.EstimateStatement(posts, delete, 1_000));
        Assert.Equal(1_000 * one, profile.EstimateCascadedDeletes(posts, delete, 1_000));
        Assert.Equal(0, profile.EstimateStatement(posts, delete, 0));
        Assert.Throws<ArgumentException>(() => profile.EstimateCascadedDeletes(posts, RowChange.Insert(GroundTruthTables.PostRow()), 1));
    }

    [Fact]
    public void NothingLogged_CostsNoTransaction()
        => Assert.Equal(0, ReplicationProfile.PostgresWal().EstimateTransactionOverhead(0));

    private static long PerChild(ReplicationProfile profile)
    {
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();
        var delete = profile.EstimateRow(GroundTruthTables.Posts(), RowChange.Delete(GroundTruthTables.PostRow()));
        var counter = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count")));
        var touch = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "updated_at")));
        return delete + profile.EstimateTransactionOverhead(delete)
            + counter + profile.EstimateTransactionOverhead(counter)
            + touch + profile.EstimateTransactionOverhead(touch);
    }
}
