using BulkSafety.Estimation;
using BulkSafety.Databases;
using BulkSafety.Sql;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// An <c>ExecuteDelete</c> of principals makes the database delete their dependents through <c>ON DELETE CASCADE</c>
/// (SQLite with foreign keys on, as EF opens it): the guard counts them with a probe, reports them per table, prices them
/// as the profile logs them, and holds them to the blast radius of their own table.
/// </summary>
public sealed class DatabaseCascadeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeletingAGroup_CountsThePostsAndMembershipsTheDatabaseDeletes(bool async)
    {
        using var harness = new GuardHarness(o =>
        {
            o.MaxRowsPerUnitOfWork = 9;
            o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical);
        });
        var doomed = harness.SeedGroup(descriptionBytes: 100, posts: 6, memberships: 3);
        harness.SeedGroup(descriptionBytes: 100, posts: 2, memberships: 1);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Groups.Where(g => g.Id == doomed).Delete(async));

        var report = violation.Report;
        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, report.RuleId);
        Assert.Equal(10, report.Rows);
        var tables = report.Tables.ToDictionary(t => t.Table);
        Assert.Equal((1, 0), (tables["groups"].Deleted, tables["groups"].DeletedByDatabase));
        Assert.Equal((6, 6), (tables["posts"].Deleted, tables["posts"].DeletedByDatabase));
        Assert.Equal((3, 3), (tables["memberships"].Deleted, tables["memberships"].DeletedByDatabase));
        Assert.True(tables["posts"].Bytes > 0, "PostgreSQL's WAL logs each cascaded row");
        Assert.Equal((2, 8, 4), (harness.Count<Group>(), harness.Count<Post>(), harness.Count<Membership>()));
    }

    [Fact]
    public async Task UnderMariaDb_CascadedRowsAreCountedButLogNothing()
    {
        using var harness = new GuardHarness(o =>
        {
            o.MaxRowsPerUnitOfWork = 1;
            o.Profile = ReplicationProfile.MySqlRow();
        });
        var doomed = harness.SeedGroup(descriptionBytes: 100, posts: 6);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Groups.Where(g => g.Id == doomed).ExecuteDeleteAsync());

        var posts = Assert.Single(violation.Report.Tables, t => t.Table == "posts");
        Assert.Equal((6, 6, 0L), (posts.Deleted, posts.DeletedByDatabase, posts.Bytes));
        Assert.Contains("Deleted by the database's ON DELETE CASCADE", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeletingOneGroup_ThatOwnsMostPosts_IsABlastRadiusOnPosts(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 100_000);
        var big = harness.SeedGroup(descriptionBytes: 10, posts: 1_100);
        harness.SeedGroup(descriptionBytes: 10, posts: 100);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Groups.Where(g => g.Id == big).Delete(async));

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.Contains("1,100 of the 1,200 rows of posts", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(1_200, harness.Count<Post>());
    }

    [Fact]
    public void CascadeQuery_ClimbsTheForeignKeyToTheStatementsPredicate()
    {
        using var harness = new GuardHarness();
        using var context = harness.Guarded();
        var groups = MappedTable.For(context.Model.FindEntityType(typeof(Group))!)[0];
        var posts = groups.DatabaseCascades.Where(c => c.Table.Name == "posts").ToArray();
        var statement = BulkStatement.TryParse("DELETE FROM \"groups\" AS \"g\" WHERE \"g\".\"Name\" = @name", SqlLexicon.Sqlite, out _)!;

        Assert.Equal(
            "SELECT COUNT(*), SUM(length(CAST(bulksafety_d0.\"Body\" AS BLOB))) FROM \"posts\" AS bulksafety_d0 WHERE "
            + "(EXISTS (SELECT 1 FROM \"groups\" AS \"g\" WHERE \"g\".\"Id\" = bulksafety_d0.\"GroupId\" AND (\"g\".\"Name\" = @name)))",
            BulkStatementProbe.CascadeQuery(DatabaseDialect.Sqlite, statement, posts, [.. posts[0].Shape.Columns.Where(c => c.Type.IsVariableLength)]));
    }
}
