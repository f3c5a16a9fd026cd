using BulkSafety.Estimation;

namespace BulkSafety.Tests.Estimation;

/// <summary>
/// The MariaDB row-binlog formula against the hand-computed and measured figures of ENGINE-NOTES §3.3
/// (database <c>gt</c>, CRC32 checksums, annotate on).
/// </summary>
public sealed class MySqlRowProfileTests
{
    private const string CounterUpdate = "UPDATE groups SET posts_count=posts_count-1 WHERE id=7";
    private const string TouchUpdate = "UPDATE groups SET updated_at=NOW(6) WHERE id=7";
    private static readonly MySqlBinlogSettings Gt = new() { DatabaseName = "gt" };

    [Fact]
    public void TableMapEvents_MatchTheMeasuredSizes()
    {
        var gt = ReplicationProfile.MySqlRow(settings: Gt);
        var gtc = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gtc" });

        Assert.Equal(62, gt.TableMapEventBytes(GroundTruthTables.Groups()));
        Assert.Equal(51, gt.TableMapEventBytes(GroundTruthTables.Posts()));
        Assert.Equal(63, gtc.TableMapEventBytes(GroundTruthTables.Groups()));
        Assert.Equal(52, gtc.TableMapEventBytes(GroundTruthTables.Posts()));
        Assert.Equal(55, gtc.TableMapEventBytes(GroundTruthTables.Memberships()));
    }

    [Theory]
    [InlineData(BinlogRowMetadata.NoLog, 62, 51)]
    [InlineData(BinlogRowMetadata.Minimal, 68, 57)]
    [InlineData(BinlogRowMetadata.Full, 175, 90)]
    public void TableMapEvents_CarryTheOptionalMetadata(BinlogRowMetadata metadata, long groups, long posts)
    {
        var profile = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gt", RowMetadata = metadata });

        // Measured on MariaDB 10.11 (SET GLOBAL binlog_row_metadata). MINIMAL: signedness of 4 numeric columns (1 + 1 + 1)
        // and one default collation (1 + 1 + 1). FULL adds the names (1 + 1 + 9 length bytes + 93 bytes of names for groups)
        // and the primary key's position (1 + 1 + 1).
        var measuredGroups = new TableShape("groups", GroundTruthTables.Groups().Columns.Select(c => c.Name == "html" ? new ColumnShape("description_html", c.Type, isNullable: true) : c));
        Assert.Equal(groups, profile.TableMapEventBytes(measuredGroups));
        Assert.Equal(posts, profile.TableMapEventBytes(new TableShape("posts", [new("id", ColumnType.Int64, isKey: true), new("group_id", ColumnType.Int64), new("body", ColumnType.Text(65_535)), new("created_at", ColumnType.DateTime(6))])));
    }

    [Theory]
    [InlineData(BinlogRowMetadata.Minimal, 6, 7, 8, 3)]
    [InlineData(BinlogRowMetadata.Full, 19, 22, 31, 9)]
    public void TableMapMetadata_ChoosesTheShorterCollationEncoding(BinlogRowMetadata metadata, long b1, long b2, long b3, long b4)
    {
        var none = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gt" });
        var with = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gt", RowMetadata = metadata });
        TableShape[] tables =
        [
            new("b1", [new("id", ColumnType.Int32, isKey: true), new("data", ColumnType.Blob())]),
            new("b2", [new("id", ColumnType.Int32, isKey: true), new("t", ColumnType.Text(65_535)), new("data", ColumnType.Blob())]),
            new("b3",
            [
                new("id", ColumnType.Int32, isKey: true), new("t", ColumnType.Text(65_535)), new("u", ColumnType.VarChar(40)), new("data", ColumnType.VarBinary(10)),
                new("d", ColumnType.Double), new("e", ColumnType.Decimal(10, 2)), new("c", ColumnType.Guid),
            ]),
            new("b4", [new("a", ColumnType.Int32), new("b", ColumnType.Int32)]),
        ];

        // Measured growth of each Table_map on MariaDB 10.11: a TEXT and a BLOB column take one collation each (2 bytes)
        // rather than a default and an exception (3); three text columns and a binary one take the default and one
        // exception (3) rather than four collations; a table without a primary key logs no primary-key field.
        Assert.Equal([b1, b2, b3, b4], tables.Select(t => with.TableMapEventBytes(t) - none.TableMapEventBytes(t)));
    }

    [Fact]
    public void ParentRowImage_Full_Is51268Bytes()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        // 2 (NULL bitmap) + 8 + (2 + 24) + (4 + 51,200) + 0 (html NULL) + 3 × 4 + 2 × 8 = 51,268, before and after.
        Assert.Equal(2 * 51_268, profile.RowImagesBytes(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count"))));
    }

    [Fact]
    public void CounterAndTouchUpdates_Full_MatchTheMeasuredTransactions()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var counter = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count"), CounterUpdate.Length));
        var touch = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "updated_at"), TouchUpdate.Length));

        // GTID 42 + Annotate (19 + 54 + 4) + Table_map 62 + Update_rows (19 + 8 + 1 + 2 + 2 + 2 × 51,268 + 4) + XID 31.
        Assert.Equal(102_784, counter + profile.EstimateTransactionOverhead(counter));
        Assert.Equal(102_776, touch + profile.EstimateTransactionOverhead(touch));
    }

    [Fact]
    public void ChildDelete_Full_MatchesTheMeasured438Bytes()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);

        // "DELETE FROM posts WHERE id=1001" is 31 bytes, so its Annotate_rows is 19 + 31 + 4 = 54 (the notes' worked example
        // counted 24 to 27 bytes of text and 431 to 434 B; the server logs 438 B, docs/real-databases.md).
        var delete = profile.EstimateRow(GroundTruthTables.Posts(), RowChange.Delete(GroundTruthTables.PostRow(), statementTextLength: "DELETE FROM posts WHERE id=1001".Length));

        // Posts image 1 + 8 + 8 + (2 + 200) + 8 = 227; Delete_rows 19 + 8 + 1 + 1 + 227 + 4 = 260; 42 + 54 + 51 + 260 + 31.
        Assert.Equal(438, delete + profile.EstimateTransactionOverhead(delete));
    }

    [Fact]
    public void Minimal_LogsKeyBeforeAndAssignedAfter()
    {
        var profile = ReplicationProfile.MySqlRow(BinlogRowImage.Minimal, Gt);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var counter = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count"), CounterUpdate.Length));
        var touch = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "updated_at"), TouchUpdate.Length));
        var delete = profile.EstimateRow(GroundTruthTables.Posts(), RowChange.Delete(GroundTruthTables.PostRow(), statementTextLength: 27));

        // Update_rows 19 + 8 + 1 + 2 + 2 + (1 + 8) + (1 + 4) + 4 = 50 → 42 + 77 + 62 + 50 + 31 = 262; touch after image 1 + 8 → 258.
        Assert.Equal(262, counter + profile.EstimateTransactionOverhead(counter));
        Assert.Equal(258, touch + profile.EstimateTransactionOverhead(touch));

        // Delete_rows 19 + 8 + 1 + 1 + (1 + 8) + 4 = 42 → 42 + 50 + 51 + 42 + 31 = 216; per child 262 + 258 + 216 = 736.
        Assert.Equal(216, delete + profile.EstimateTransactionOverhead(delete));
    }

    [Fact]
    public void NoBlob_LeavesUnassignedLargeObjectsOut()
    {
        var profile = ReplicationProfile.MySqlRow(BinlogRowImage.NoBlob, Gt);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var counter = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count"), CounterUpdate.Length));
        var description = profile.RowImagesBytes(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "description")));

        // Images: 7 non-TEXT columns, 1-byte bitmap: 1 + 8 + 26 + 12 + 16 = 63, twice → Update_rows 19 + 8 + 1 + 2 + 2 + 126 + 4 = 162.
        Assert.Equal(42 + 77 + 62 + 162 + 31, counter + profile.EstimateTransactionOverhead(counter));

        // Assigning the description puts it into the after image only: 63 + (1 + 62 + 4 + 51,200).
        Assert.Equal(63 + 1 + 62 + 51_204, description);
    }

    [Fact]
    public void AnnotateOffAndNoChecksum_DropTheirBytes()
    {
        var profile = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gt", AnnotateRowEvents = false, Checksum = BinlogChecksum.None });
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var counter = profile.EstimateRow(groups, RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "posts_count"), CounterUpdate.Length));

        // GTID 38 + Table_map 58 + Update_rows 102,568 + XID 27: every event loses its 4-byte CRC, the Annotate_rows event goes.
        Assert.Equal(38 + 58 + 102_568 + 27, counter + profile.EstimateTransactionOverhead(counter));
    }

    [Fact]
    public void ParentDelete_AddsATableMapPerCascadingChildTable()
    {
        var profile = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gtc" });
        var row = GroundTruthTables.GroupRow();
        var alone = profile.EstimateRow(GroundTruthTables.Groups(), RowChange.Delete(row, 30));

        var cascading = profile.EstimateRow(GroundTruthTables.Groups(GroundTruthTables.Posts(), GroundTruthTables.Memberships()), RowChange.Delete(row, 30));

        Assert.Equal(52 + 55, cascading - alone);
    }

    [Fact]
    public void MultiRowStatement_PacksRowsInto8KEvents()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var posts = GroundTruthTables.Posts();
        var image = profile.RowImagesBytes(posts, RowChange.Delete(GroundTruthTables.PostRow()));
        var rows36 = Enumerable.Repeat(image, 36).ToArray();
        var rows37 = Enumerable.Repeat(image, 37).ToArray();

        var one = profile.EstimateStatement(posts, RowChangeKind.Delete, 40, rows36);
        var two = profile.EstimateStatement(posts, RowChangeKind.Delete, 40, rows37);

        // 8 + 1 + 1 + 36 × 227 = 8,182 fits in 8,192; the 37th row opens a second event (19 + 10 + 4 framing).
        Assert.Equal(227, image);
        Assert.Equal((19 + 40 + 4) + 51 + (19 + 10 + (36 * 227) + 4), one);
        Assert.Equal(one + 19 + 10 + 227 + 4, two);
        Assert.Equal(0, profile.EstimateStatement(posts, RowChangeKind.Delete, 40, []));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(36)]
    [InlineData(37)]
    [InlineData(1_000)]
    public void StatementOfUniformRows_PacksLikeTheRowByRowForm(int rows)
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var posts = GroundTruthTables.Posts();
        var row = RowChange.Delete(GroundTruthTables.PostRow(), statementTextLength: 40);
        var images = Enumerable.Repeat(profile.RowImagesBytes(posts, row), rows).ToArray();

        Assert.Equal(profile.EstimateStatement(posts, RowChangeKind.Delete, 40, images), profile.EstimateStatement(posts, row, rows));
    }

    [Fact]
    public void StatementOfUniformRows_CountsFramingOnceAndNothingForNoRow()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var posts = GroundTruthTables.Posts();
        var row = RowChange.Delete(GroundTruthTables.PostRow(), statementTextLength: 40);

        // 1,000 rows at 36 per event: 28 events. Annotate 63 + Table_map 51 + 28 × (19 + 10 + 4) + 1,000 × 227.
        Assert.Equal(63 + 51 + (28 * 33) + (1_000 * 227), profile.EstimateStatement(posts, row, 1_000));
        Assert.Equal(profile.EstimateRow(posts, row), profile.EstimateStatement(posts, row, 1));
        Assert.Equal(0, profile.EstimateStatement(posts, row, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.EstimateStatement(posts, RowChange.Delete(GroundTruthTables.PostRow()), -1));
    }

    [Fact]
    public void CascadedDeletes_AreNotRowLogged()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);

        Assert.Equal(0, profile.EstimateCascadedDeletes(GroundTruthTables.Posts(), RowChange.Delete(GroundTruthTables.PostRow()), 1_000));
        Assert.Throws<ArgumentException>(() => profile.EstimateCascadedDeletes(GroundTruthTables.Posts(), RowChange.Insert(GroundTruthTables.PostRow()), 1));
    }

    [Fact]
    public void SingleRowLargerThanTheEventLimit_StaysInOneEvent()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow(100 * 1024);
        var image = profile.RowImagesBytes(groups, RowChange.Delete(row));

        // 9 columns: the Rows post-header is 8 + 1 + a 2-byte bitmap.
        Assert.Equal((19 + 30 + 4) + 62 + (19 + 11 + image + 4), profile.EstimateStatement(groups, RowChangeKind.Delete, 30, [image]));
    }

    [Fact]
    public void Insert_Minimal_LogsOnlyNamedColumns()
    {
        var full = ReplicationProfile.MySqlRow(settings: Gt);
        var minimal = ReplicationProfile.MySqlRow(BinlogRowImage.Minimal, Gt);
        var posts = GroundTruthTables.Posts();
        var named = GroundTruthTables.Assigns(posts, "group_id", "body");

        // FULL logs all four columns (1 + 8 + 8 + 202 + 8); MINIMAL the two named ones (1 + 8 + 202).
        Assert.Equal(227, full.RowImagesBytes(posts, RowChange.Insert(GroundTruthTables.PostRow(), named)));
        Assert.Equal(211, minimal.RowImagesBytes(posts, RowChange.Insert(GroundTruthTables.PostRow(), named)));
    }

    [Theory]
    [InlineData(100, 1)]
    [InlineData(255, 1)]
    [InlineData(256, 2)]
    public void VarCharLengthPrefix_DependsOnMaxBytes(int maxBytes, int prefix)
        => Assert.Equal(prefix + 10, MySqlRowProfile.ValueBytes(ColumnType.VarChar(maxBytes), ColumnValue.OfLength(10)));

    [Theory]
    [InlineData(255L, 1)]
    [InlineData(65_535L, 2)]
    [InlineData(16_777_215L, 3)]
    [InlineData(null, 4)]
    public void LargeObjectLengthPrefix_DependsOnCapacity(long? capacity, int prefix)
        => Assert.Equal(prefix + 10, MySqlRowProfile.ValueBytes(ColumnType.Text(capacity), ColumnValue.OfLength(10)));

    [Fact]
    public void FixedWidths_FollowTheFormat()
    {
        Assert.Equal(8, MySqlRowProfile.ValueBytes(ColumnType.Int64, ColumnValue.Present));
        Assert.Equal(4, MySqlRowProfile.ValueBytes(ColumnType.Int32, ColumnValue.Present));
        Assert.Equal(1, MySqlRowProfile.ValueBytes(ColumnType.Boolean, ColumnValue.Present));
        Assert.Equal(8, MySqlRowProfile.ValueBytes(ColumnType.DateTime(6), ColumnValue.Present));
        Assert.Equal(5, MySqlRowProfile.ValueBytes(ColumnType.DateTime(0), ColumnValue.Present));
        Assert.Equal(3, MySqlRowProfile.ValueBytes(ColumnType.Date, ColumnValue.Present));
        Assert.Equal(37, MySqlRowProfile.ValueBytes(ColumnType.Guid, ColumnValue.Present));

        // DECIMAL(18,2): 16 integral digits = 9 (4 B) + 7 (4 B), 2 fractional digits (1 B).
        Assert.Equal(9, MySqlRowProfile.ValueBytes(ColumnType.Decimal(18, 2), ColumnValue.Present));
        Assert.Equal(0, MySqlRowProfile.ValueBytes(ColumnType.Int64, ColumnValue.Null));
    }

    [Fact]
    public void UnknownStatementText_IsEstimatedFromTheGeneratedSql()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var parameterized = ReplicationProfile.MySqlRow(settings: new() { DatabaseName = "gt", ValuesInStatementText = false });
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();
        var assigns = GroundTruthTables.Assigns(groups, "posts_count");
        var known = profile.EstimateRow(groups, RowChange.Update(row, row, assigns, 0));

        // The SQL EF's MySQL provider generates, with typical 6-digit literals or with placeholders.
        Assert.Equal(known + "UPDATE `groups` SET `posts_count` = 123456\nWHERE `id` = 123456".Length, profile.EstimateRow(groups, RowChange.Update(row, row, assigns)));
        Assert.Equal(known + "UPDATE `groups` SET `posts_count` = @p0\nWHERE `id` = @p1".Length, parameterized.EstimateRow(groups, RowChange.Update(row, row, assigns)));
    }

    [Fact]
    public void InlinedInsertText_LogsWideValuesTwice()
    {
        var profile = ReplicationProfile.MySqlRow(settings: Gt);
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow();

        var estimated = profile.EstimateRow(groups, RowChange.Insert(row));
        var withoutText = profile.EstimateRow(groups, RowChange.Insert(row, statementTextLength: 0));

        Assert.InRange(estimated - withoutText, GroundTruthTables.DescriptionBytes, GroundTruthTables.DescriptionBytes + 400);
    }

    [Fact]
    public void MismatchedSpans_AreRejected()
    {
        var profile = ReplicationProfile.MySqlRow();
        var posts = GroundTruthTables.Posts();

        Assert.Throws<ArgumentException>(() => profile.EstimateRow(posts, RowChange.Delete([ColumnValue.Present])));
        Assert.Throws<ArgumentException>(() => profile.EstimateRow(posts, RowChange.Insert(GroundTruthTables.PostRow(), [true])));
    }
    [Fact]
    public void TheLargestEventOfOneRow_IsItsRowsEvent_WhenTheRowIsWide()
    {
        var profile = ReplicationProfile.MySqlRow(BinlogRowImage.Full, new MySqlBinlogSettings { AnnotateRowEvents = false });
        var groups = GroundTruthTables.Groups();
        var row = GroundTruthTables.GroupRow(descriptionBytes: 50_000);
        var touch = RowChange.Update(row, row, GroundTruthTables.Assigns(groups, "updated_at"));

        var bytes = profile.EstimateRowWithLargestEvent(groups, touch, out var largest);

        // Without annotate events a statement is its Table_map and one Rows event holding both images.
        Assert.Equal(bytes - profile.TableMapEventBytes(groups), largest);
        Assert.InRange(largest, 100_000, 101_000);
    }

    [Fact]
    public void TheLargestEventOfOneRow_IsItsStatementText_WhenTheTextIsLonger()
    {
        var profile = ReplicationProfile.MySqlRow();
        var posts = GroundTruthTables.Posts();
        var change = RowChange.Delete(GroundTruthTables.PostRow(), statementTextLength: 30_000);

        profile.EstimateRowWithLargestEvent(posts, change, out var largest);

        Assert.Equal(MySqlRowProfile.EventHeaderBytes + 30_000 + 4, largest);
    }

    [Fact]
    public void InAStatementOfManyRows_ARowWiderThanARowsEvent_HasAnEventOfItsOwn()
    {
        var profile = ReplicationProfile.MySqlRow();
        var posts = GroundTruthTables.Posts();
        long[] rows = [100, 100, 20_000, 100];

        var bytes = profile.EstimateStatementWithLargestEvent(posts, RowChangeKind.Delete, 40, rows, out var largest);
        profile.EstimateStatementWithLargestEvent(posts, RowChangeKind.Delete, 40, [100, 100, 100], out var narrow);

        Assert.Equal(bytes, profile.EstimateStatement(posts, RowChangeKind.Delete, 40, rows));
        Assert.InRange(largest, 20_000 + MySqlRowProfile.EventHeaderBytes, 20_000 + 40);
        Assert.InRange(narrow, 300, 400);
    }
}

