using BulkSafety.Estimation;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Guard;

/// <summary>
/// MariaDB/MySQL's own limits, checked before anything is written: the transaction's binlog cache against
/// <c>max_binlog_cache_size</c> (the primary's or a replica's), and the largest single event — one row's image or one
/// statement's text — against the packet limits. On a real MariaDB in the compatibility tests (EngineLimitTests there).
/// </summary>
public sealed class EngineLimitTests
{
    // Each 20,000-character description is logged twice, in the row image and in the statement text (the annotate event):
    // one unit takes about 40 KB of the cache, two take more than 64 KiB.
    private const long CacheCap = 64 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATransactionOverTheBinlogCache_IsRefusedAtTheUnitThatCrossesIt_CountingEarlierUnits(bool async)
    {
        using var harness = new GuardHarness(o => o.Profile = MySqlWith(new MySqlBinlogSettings { MaxBinlogCacheSize = CacheCap }));
        await using var context = harness.Guarded();
        await using var transaction = await context.Database.BeginTransactionAsync();
        context.Groups.Add(new Group { Name = "first", Description = new string('x', 20_000) });
        await context.Save(async);
        context.Groups.Add(new Group { Name = "second", Description = new string('y', 20_000) });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(BulkSafetyRuleIds.BinlogCacheSize, violation.Report.RuleId);
        Assert.Contains("max_binlog_cache_size of the primary (65,536 B)", violation.Message, StringComparison.Ordinal);
        Assert.Contains("from earlier work in the same transaction", violation.Message, StringComparison.Ordinal);
        await transaction.RollbackAsync();
        Assert.Equal(0, harness.Count<Group>());
    }

    [Fact]
    public async Task TheSameUnits_EachInItsOwnTransaction_PassTheCache()
    {
        using var harness = new GuardHarness(o => o.Profile = MySqlWith(new MySqlBinlogSettings { MaxBinlogCacheSize = CacheCap }));
        await using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "first", Description = new string('x', 20_000) });
        await context.SaveChangesAsync();
        context.Groups.Add(new Group { Name = "second", Description = new string('y', 20_000) });
        await context.SaveChangesAsync();

        Assert.Equal(2, harness.Count<Group>());
    }

    [Fact]
    public async Task WorkRolledBackToASavepoint_LeavesTheCache()
    {
        using var harness = new GuardHarness(o => o.Profile = MySqlWith(new MySqlBinlogSettings { MaxBinlogCacheSize = CacheCap }));
        await using var context = harness.Guarded();
        await using var transaction = await context.Database.BeginTransactionAsync();
        await transaction.CreateSavepointAsync("before");
        context.Groups.Add(new Group { Name = "undone", Description = new string('x', 20_000) });
        await context.SaveChangesAsync();
        await transaction.RollbackToSavepointAsync("before");
        context.ChangeTracker.Clear();
        context.Groups.Add(new Group { Name = "kept", Description = new string('y', 20_000) });
        await context.SaveChangesAsync();
        await transaction.CommitAsync();

        Assert.Equal(1, harness.Count<Group>());
    }

    [Fact]
    public async Task ABatchedJob_SizesItsBatchesToFitTheBinlogCache()
    {
        using var harness = new GuardHarness(o => o.Profile = MySqlWith(new MySqlBinlogSettings { MaxBinlogCacheSize = CacheCap }));
        for (var i = 0; i < 30; i++)
        {
            harness.SeedGroup(descriptionBytes: 10_000);
        }

        await using var context = harness.Guarded();
        var result = await context.Groups.DeleteInBatchesAsync();

        // About 10 KB per deleted row against 64 KiB: batches of at most three rows, none refused.
        Assert.Equal(30, result.Rows);
        Assert.InRange(result.Batches, 10, 30);
        Assert.DoesNotContain(harness.Log.Entries, e => e.Message.Contains(BulkSafetyRuleIds.BinlogCacheSize, StringComparison.Ordinal));
        Assert.Equal(0, harness.Count<Group>());
    }

    [Fact]
    public async Task AReplicasLowerCache_IsTheOneThatCounts()
    {
        using var harness = new GuardHarness(o =>
        {
            o.Profile = MySqlWith(new MySqlBinlogSettings());
            o.ReplicaMaxBinlogCacheSize = 32 * 1024;
        });
        await using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "wide", Description = new string('x', 40_000) });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.SaveChangesAsync());

        Assert.Equal(BulkSafetyRuleIds.BinlogCacheSize, violation.Report.RuleId);
        Assert.Contains("of a replica (ReplicaMaxBinlogCacheSize)", violation.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Count<Group>());
    }

    [Fact]
    public async Task ARowImageOverTheReplicasPacketLimit_IsRefused_AndOneUnderItPasses()
    {
        using var harness = new GuardHarness(o =>
        {
            o.Profile = MySqlWith(new MySqlBinlogSettings { AnnotateRowEvents = false });
            o.ReplicaMaxAllowedPacket = 100_000;
        });
        await using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "fits", Description = new string('x', 90_000) });
        await context.SaveChangesAsync();
        context.Groups.Add(new Group { Name = "too wide", Description = new string('y', 110_000) });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.SaveChangesAsync());

        Assert.Equal(BulkSafetyRuleIds.LogEventSize, violation.Report.RuleId);
        Assert.Contains("slave_max_allowed_packet of a replica (ReplicaMaxAllowedPacket)", violation.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Count<Group>());
    }

    [Theory]
    [InlineData(BinlogRowImage.Full, true)]
    [InlineData(BinlogRowImage.Minimal, false)]
    public async Task RenamingAWideRow_LogsBothImagesInOneEventUnderFull_ButNotUnderMinimal(BinlogRowImage image, bool refused)
    {
        using var harness = new GuardHarness(o =>
        {
            o.Profile = ReplicationProfile.MySqlRow(image, new MySqlBinlogSettings { MaxAllowedPacket = 100 * 1024 });
            o.Mode = BulkSafetyMode.Warn;
        });
        harness.SeedGroup(descriptionBytes: 60_000);
        await using var context = harness.Guarded();
        var group = await context.Groups.SingleAsync();
        group.Name = "renamed";

        await context.SaveChangesAsync();

        Assert.Equal(refused, harness.Log.Entries.Any(e => e.Message.Contains(BulkSafetyRuleIds.LogEventSize, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnAllowance_DoesNotLiftAnEngineLimit()
    {
        using var harness = new GuardHarness(o => o.Profile = MySqlWith(new MySqlBinlogSettings { MaxAllowedPacket = 32 * 1024 }));
        await using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "wide", Description = new string('x', 40_000) });

        using (BulkSafetyScope.Allow("an intended import"))
        {
            var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.SaveChangesAsync());
            Assert.Equal(BulkSafetyRuleIds.LogEventSize, violation.Report.RuleId);
        }
    }

    [Fact]
    public async Task AStandInProfile_DoesNotImposeMySqlsLimitsOnSqlite()
    {
        // No profile configured: SQLite's work is priced with MySQL's FULL row images as a stand-in, whose 16 MiB packet
        // limit is not SQLite's.
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 256L * 1024 * 1024);
        await using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "wide", Description = new string('x', 17 * 1024 * 1024) });

        await context.SaveChangesAsync();

        Assert.Equal(1, harness.Count<Group>());
    }

    [Fact]
    public void CapsOutOfRange_AreRefusedByName()
    {
        Assert.Equal("ReplicaMaxBinlogCacheSize", Assert.Throws<ArgumentOutOfRangeException>(() => BulkSafetyOptions.Create(o => o.ReplicaMaxBinlogCacheSize = 0)).ParamName);
        Assert.Equal("ReplicaMaxAllowedPacket", Assert.Throws<ArgumentOutOfRangeException>(() => BulkSafetyOptions.Create(o => o.ReplicaMaxAllowedPacket = -1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlBinlogSettings { MaxBinlogCacheSize = 100 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlBinlogSettings { MaxAllowedPacket = 10 });
    }

    private static MySqlRowProfile MySqlWith(MySqlBinlogSettings settings) => ReplicationProfile.MySqlRow(BinlogRowImage.Full, settings);
}
