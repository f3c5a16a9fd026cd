using BulkSafety.Estimation;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Guard;

/// <summary><c>EstimatePendingChanges</c>: the EF adapter's arithmetic on the incident model, without saving.</summary>
public sealed class DryRunTests
{
    [Fact]
    public void ParentCounterAndTouch_Full_IsTheHandComputedBinlog()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 51_200);
        using var context = harness.Guarded();
        var group = context.Groups.Single(g => g.Id == id);
        group.PostsCount--;
        group.UpdatedAt = group.UpdatedAt.AddSeconds(1);

        var report = context.EstimatePendingChanges();

        // groups: Id, CreatedAt, Description, DescriptionHtml, MembershipsCount, Name (VARCHAR(200) = 800 B), PostsCount, UpdatedAt.
        // Row image: 1 + 8 + 8 + (4 + 51,200) + 0 + 4 + (2 + 4) + 4 + 8 = 51,243; Update_rows 19 + 8 + 1 + 1 + 1 + 2 × 51,243 + 4.
        const long updateRows = 102_520;
        const long tableMap = 19 + 8 + (1 + 3 + 1) + (1 + 6 + 1) + 1 + 8 + 1 + 6 + 1 + 4;
        var annotate = 19 + "UPDATE `groups` SET `PostsCount` = 123456, `UpdatedAt` = timestamp('2025-01-31 12:34:56.123456')\nWHERE `Id` = 123456".Length + 4;
        Assert.Equal(61, tableMap);
        Assert.Equal(42 + annotate + tableMap + updateRows + 31, report.EstimatedBytes);
        Assert.Equal(42 + 31, report.TransactionOverheadBytes);
        var groups = Assert.Single(report.Tables);
        Assert.Equal(("groups", 0, 1, 0), (groups.Table, groups.Inserted, groups.Updated, groups.Deleted));
        Assert.Equal(annotate + tableMap + updateRows, groups.Bytes);
        Assert.Null(report.RuleId);
        Assert.Equal("mysql-row-full", report.ProfileName);
    }

    [Fact]
    public void DryRun_WritesAndRecordsNothing()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        context.Posts.Add(new Post { GroupId = id, Body = "hello" });

        var report = context.EstimatePendingChanges();

        Assert.Equal(1, report.Rows);
        Assert.Equal(0, harness.Count<Post>());
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow + harness.Ledger.PendingBytes);
        Assert.Equal(EntityState.Added, context.ChangeTracker.Entries<Post>().Single().State);
        Assert.Empty(harness.Log.Entries);
    }

    [Fact]
    public void DryRun_NamesTheBudgetTheWorkWouldExceed()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 2);
        var id = harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        context.Posts.AddRange(Enumerable.Range(0, 3).Select(_ => new Post { GroupId = id, Body = "hello" }));

        var report = context.EstimatePendingChanges();

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, report.RuleId);
        Assert.Equal(2, report.Budget);
        Assert.Equal(3, report.Observed);
        Assert.NotNull(report.SuggestedSafePath);
    }

    [Fact]
    public void Profiles_ChangeTheEstimateOfTheSameWork()
    {
        long Estimate(ReplicationProfile profile)
        {
            using var harness = new GuardHarness(o => o.Profile = profile);
            var id = harness.SeedGroup(descriptionBytes: 51_200);
            using var context = harness.Guarded();
            context.Groups.Single(g => g.Id == id).PostsCount--;
            return context.EstimatePendingChanges().EstimatedBytes;
        }

        var full = Estimate(ReplicationProfile.MySqlRow());
        var minimal = Estimate(ReplicationProfile.MySqlRow(BinlogRowImage.Minimal));
        var replica = Estimate(ReplicationProfile.PostgresWal());
        var logicalFull = Estimate(ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full));

        // FULL logs the 50 KB row twice, MINIMAL the key and the counter; PostgreSQL's HOT update logs a few bytes unless
        // logical decoding with REPLICA IDENTITY FULL logs the de-TOASTed old row.
        Assert.InRange(full, 102_400, 103_000);
        Assert.InRange(minimal, 200, 400);
        Assert.InRange(replica, 100, 300);
        Assert.InRange(logicalFull, 51_200, 52_000);
    }

    [Fact]
    public void UnguardedContext_CannotDryRun()
    {
        using var harness = new GuardHarness();
        using var context = harness.Unguarded();

        var error = Assert.Throws<InvalidOperationException>(context.EstimatePendingChanges);

        Assert.Contains("UseBulkSafety", error.Message, StringComparison.Ordinal);
    }
}
