using System.Text;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// What MariaDB logs for InnoDB's own <c>ON DELETE CASCADE</c> beyond the catalog's one-level case, against the model's
/// rule (the parent's DELETE with one Table_map per table the cascade can reach, no cascaded row): a cascade two levels
/// deep, children set to NULL (a Table_map, no row), and a parent whose children were deleted before it.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogCascadeCalibrationTests(MariaDbFixture fixture) : IAsyncLifetime
{
    private const string DeleteGroup = "DELETE FROM groups WHERE id=7";

    private static readonly TableShape Comments = new(
        "comments",
        [new("id", ColumnType.Int64, isKey: true), new("post_id", ColumnType.Int64), new("body", ColumnType.Text(65_535))],
        indexCount: 2);

    private static readonly TableShape Notes = new(
        "notes",
        [new("id", ColumnType.Int64, isKey: true), new("group_id", ColumnType.Int64, isNullable: true), new("body", ColumnType.Text(65_535))],
        indexCount: 2);

    [Theory]
    [InlineData(RowImage.Full)]
    [InlineData(RowImage.Minimal)]
    public async Task GrandchildrenCascade_AddTheirTableMapButNoRow(RowImage image)
    {
        var settings = new BinlogSettings(image, AnnotateRows: true);
        await PrepareAsync(settings,
            "CREATE TABLE comments (id BIGINT NOT NULL PRIMARY KEY, post_id BIGINT NOT NULL, body TEXT NOT NULL, " +
            "FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE) ENGINE=InnoDB",
            "INSERT INTO comments SELECT id * 10 + n, id, REPEAT('c', 100) FROM posts CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) AS two");

        var measured = await fixture.Meter.MeasureAsync(settings.SessionStatements + DeleteGroup, IncidentWorkloads.CascadeSchema);

        var groups = CatalogTables.Groups(cascades: true);
        var withGrandchildren = new TableShape(groups.Name, groups.Columns) { CascadeDeleteTables = [.. groups.CascadeDeleteTables, Comments] };
        Assert.Equal(Predict(settings, withGrandchildren), measured.Bytes);
        Assert.Equal(4, measured.CountOf("Table_map"));
        Assert.Equal(1, measured.CountOf("Delete_rows_v1"));
        Assert.Equal("0", (await fixture.Server.Client.QueryAsync("SELECT COUNT(*) FROM comments", IncidentWorkloads.CascadeSchema)).Scalar());
    }

    [Fact]
    public async Task ChildrenSetToNull_AddTheirTableMapButNoRow()
    {
        var settings = BinlogSettings.Default;
        await PrepareAsync(settings,
            "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, group_id BIGINT NULL, body TEXT NOT NULL, " +
            "FOREIGN KEY (group_id) REFERENCES `groups` (id) ON DELETE SET NULL) ENGINE=InnoDB",
            "INSERT INTO notes SELECT id, 7, REPEAT('n', 100) FROM posts");

        var measured = await fixture.Meter.MeasureAsync(settings.SessionStatements + DeleteGroup, IncidentWorkloads.CascadeSchema);

        var groups = CatalogTables.Groups(cascades: true);
        var withNotes = new TableShape(groups.Name, groups.Columns) { CascadeDeleteTables = [.. groups.CascadeDeleteTables, Notes] };
        Assert.Equal(Predict(settings, withNotes), measured.Bytes);
        Assert.Equal(4, measured.CountOf("Table_map"));
        Assert.Equal(1, measured.CountOf("Delete_rows_v1"));
        Assert.Equal(0, measured.CountOf("Update_rows_v1"));
        Assert.Equal("0", (await fixture.Server.Client.QueryAsync("SELECT COUNT(*) FROM notes WHERE group_id IS NOT NULL", IncidentWorkloads.CascadeSchema)).Scalar());
    }

    [Fact]
    public async Task ParentWhoseChildrenWereDeletedFirst_StillLogsTheCascadeTableMaps()
    {
        var settings = BinlogSettings.Default;
        await PrepareAsync(settings, "DELETE FROM posts WHERE group_id=7", "DELETE FROM memberships WHERE group_id=7");

        var measured = await fixture.Meter.MeasureAsync(settings.SessionStatements + DeleteGroup, IncidentWorkloads.CascadeSchema);

        Assert.Equal(Predict(settings, CatalogTables.Groups(cascades: true)), measured.Bytes);
        Assert.Equal(3, measured.CountOf("Table_map"));
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    /// <remarks>The other tests rebuild the cascade schema with DROP TABLE posts and groups, which the comments' and notes'
    /// foreign keys would block.</remarks>
    public Task DisposeAsync() => fixture.Server.Client.ExecuteAsync("DROP TABLE IF EXISTS comments, notes", IncidentWorkloads.CascadeSchema);

    private static long Predict(BinlogSettings settings, TableShape groups)
    {
        var workload = IncidentWorkloads.ForMariaDb(WorkloadShape.CascadeDelete, TextSize.OneKb);
        var profile = BinlogCalibrationTests.ProfileFor(new BinlogCase(workload, settings));
        var statement = profile.EstimateRow(groups, RowChange.Delete(CatalogTables.GroupRow(TextSize.OneKb), Encoding.UTF8.GetByteCount(DeleteGroup)));
        return statement + profile.EstimateTransactionOverhead(statement);
    }

    // The catalog's cascade schema with a 1 KB description, then the extra statements.
    private async Task PrepareAsync(BinlogSettings settings, params string[] statements)
    {
        var workload = IncidentWorkloads.ForMariaDb(WorkloadShape.CascadeDelete, TextSize.OneKb);
        await fixture.Meter.MeasureAsync(workload with { Setup = ["DROP TABLE IF EXISTS comments, notes", .. workload.Setup], Measured = [] }, settings);
        await fixture.Server.Client.ExecuteAsync(string.Concat(statements.Select(s => s + ";\n")), IncidentWorkloads.CascadeSchema);
    }
}
