using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Calibration;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// MariaDB's own limits against what the guard refuses, through Pomelo on MariaDB 10.11: <c>max_binlog_cache_size</c> is
/// read from the server, and the guard refuses a transaction no later than the server fails it (error 1197); the largest
/// binlog event the guard predicts for a change is the one the server writes, so a packet limit just under it refuses
/// the change and one just over it lets it through.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class EngineLimitTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private const long CacheCap = 64 * 1024;
    private const string ServerDefaultCacheSize = "18446744073709547520";
    private const int ErTransCacheFull = 1197;

    [Fact]
    public async Task TheBinlogCacheCap_IsReadFromTheServer_AndTheGuardRefusesNoLaterThanTheServerFails()
    {
        await CreateTablesAsync();
        await fixture.Server.Client.ExecuteAsync($"SET GLOBAL max_binlog_cache_size={CacheCap}");
        try
        {
            var profile = await DetectAsync();
            Assert.Equal(CacheCap, profile.Settings.MaxBinlogCacheSize);

            // 25,000 characters are logged twice (row image and statement text): the cache passes 64 KiB at the second.
            var refusedAt = await SaveInOneTransactionAsync(profile, BulkSafetyMode.Enforce, firstId: 1_000, descriptionBytes: 25_000);
            var failedAt = await SaveInOneTransactionAsync(profile, BulkSafetyMode.Warn, firstId: 2_000, descriptionBytes: 25_000);
            output.WriteLine($"guard refused save {refusedAt}, server failed save {failedAt}");

            Assert.Equal(("guard", 1), refusedAt);
            Assert.Equal("server", failedAt?.By);
            Assert.InRange(failedAt!.Value.Save, refusedAt!.Value.Save, 4);

            // Under the cap both sides take the whole transaction.
            Assert.Null(await SaveInOneTransactionAsync(profile, BulkSafetyMode.Enforce, firstId: 3_000, descriptionBytes: 4_000));
        }
        finally
        {
            await fixture.Server.Client.ExecuteAsync($"SET GLOBAL max_binlog_cache_size={ServerDefaultCacheSize}");
        }

        await using var check = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o => o.Mode = BulkSafetyMode.Warn);
        Assert.Equal(0, await check.Groups.CountAsync(g => g.Id >= 1_000 && g.Id < 3_000));
        Assert.Equal(5, await check.Groups.CountAsync(g => g.Id >= 3_000));
    }

    [Fact]
    public async Task TheLargestEventOfAChange_IsTheOneTheServerWrites_SoAPacketLimitJustUnderItRefusesTheChange()
    {
        await CreateTablesAsync();
        var profile = await DetectAsync();
        long largest;
        await using (var context = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o => WithoutHotRowLimit(o, profile)))
        {
            Rename(await context.Groups.SingleAsync(g => g.Id == IncidentWorkloads.GroupId), "renamed-1");
            var measured = await fixture.Meter.MeasureAsync(token => context.SaveChangesAsync(token));
            largest = measured.Events.Max(e => e.Size);
            output.WriteLine($"largest event {largest} B of {measured.Bytes} B: {string.Join(", ", measured.Events.Select(e => $"{e.EventType} {e.Size}"))}");
        }

        Assert.Equal(BulkSafetyRuleIds.LogEventSize, await RuleOfTheSameRenameAsync(profile, replicaPacket: largest - EfCoreBinlogCalibrationTests.ToleranceBytes));
        Assert.Null(await RuleOfTheSameRenameAsync(profile, replicaPacket: largest + EfCoreBinlogCalibrationTests.ToleranceBytes));
    }

    [Fact]
    public async Task TheLargestEventOfABulkUpdate_IsItsWidestRow_NotItsTypicalOne()
    {
        // Nine groups of 200-byte descriptions and one of 60,000: the rows are priced at their mean size, but the wide row's
        // two images are one Rows event of their own, about 120 KB, which a packet limit must let through.
        await CreateTablesAsync();
        var profile = await DetectAsync();
        await using (var seed = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o => o.Mode = BulkSafetyMode.Warn))
        {
            await seed.Groups.Where(g => g.Id >= 5_000).ExecuteDeleteAsync();
            seed.Groups.AddRange(Enumerable.Range(0, 10).Select(i => new Group
            {
                Id = 5_000 + i,
                Name = IncidentWorkloads.GroupName,
                Description = IncidentWorkloads.Description(i == 4 ? 60_000 : 200),
                CreatedAt = DateTime.UnixEpoch,
                UpdatedAt = DateTime.UnixEpoch,
            }));
            await seed.SaveChangesAsync();
        }

        long largest;
        await using (var context = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o => WithoutHotRowLimit(o, profile)))
        {
            var measured = await fixture.Meter.MeasureAsync(token => context.Groups.Where(g => g.Id >= 5_000).ExecuteUpdateAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), token));
            largest = measured.Events.Max(e => e.Size);
            output.WriteLine($"largest event {largest} B of {measured.Bytes} B: {string.Join(", ", measured.Events.Select(e => $"{e.EventType} {e.Size}"))}");
        }

        Assert.InRange(largest, 120_000, 130_000);
        Assert.Equal(BulkSafetyRuleIds.LogEventSize, await RuleOfTheSameBulkUpdateAsync(profile, replicaPacket: largest - EfCoreBinlogCalibrationTests.ToleranceBytes));
        Assert.Null(await RuleOfTheSameBulkUpdateAsync(profile, replicaPacket: largest + EfCoreBinlogCalibrationTests.ToleranceBytes));
    }

    // The same bulk update again, refused or not: the rule of the violation, or null when it ran.
    private async Task<string?> RuleOfTheSameBulkUpdateAsync(MySqlRowProfile profile, long replicaPacket)
    {
        await using var context = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o =>
        {
            WithoutHotRowLimit(o, profile);
            o.ReplicaMaxAllowedPacket = replicaPacket;
        });
        try
        {
            await context.Groups.Where(g => g.Id >= 5_000).ExecuteUpdateAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1));
            return null;
        }
        catch (BulkSafetyViolationException violation)
        {
            return violation.Report.RuleId;
        }
    }

    // The same change again (a name of the same length): the rule the guard would report, or null.
    private async Task<string?> RuleOfTheSameRenameAsync(MySqlRowProfile profile, long replicaPacket)
    {
        await using var context = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o =>
        {
            WithoutHotRowLimit(o, profile);
            o.ReplicaMaxAllowedPacket = replicaPacket;
        });
        Rename(await context.Groups.SingleAsync(g => g.Id == IncidentWorkloads.GroupId), "renamed-2");
        return context.EstimatePendingChanges().RuleId;
    }

    // The calibration tests rewrite the incident's group many times a minute on the same database, and the guard's window
    // remembers them: the renames here are about the largest event, not the hot row.
    private static void WithoutHotRowLimit(BulkSafetyOptions options, MySqlRowProfile profile)
    {
        options.Profile = profile;
        options.MaxRewritesPerRowPerMinute = int.MaxValue;
    }

    private static void Rename(Group group, string name)
    {
        group.Name = name;
        group.UpdatedAt = DateTime.UtcNow;
    }

    // Five groups in one transaction, one SaveChanges each: which save the guard refused or the server failed, if any.
    private async Task<(string By, int Save)?> SaveInOneTransactionAsync(MySqlRowProfile profile, BulkSafetyMode mode, long firstId, int descriptionBytes)
    {
        await using var context = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.PlainSchema, o =>
        {
            o.Profile = profile;
            o.Mode = mode;
        });
        await using var transaction = await context.Database.BeginTransactionAsync();
        for (var save = 0; save < 5; save++)
        {
            context.Groups.Add(new Group
            {
                Id = firstId + save,
                Name = IncidentWorkloads.GroupName,
                Description = IncidentWorkloads.Description(descriptionBytes),
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            });
            try
            {
                await context.SaveChangesAsync();
            }
            catch (BulkSafetyViolationException violation) when (violation.Report.RuleId == BulkSafetyRuleIds.BinlogCacheSize)
            {
                return ("guard", save);
            }
            catch (DbUpdateException failure) when (failure.InnerException is MySqlException { Number: ErTransCacheFull })
            {
                return ("server", save);
            }
        }

        await transaction.CommitAsync();
        return null;
    }

    private async Task CreateTablesAsync()
        => await fixture.Meter.MeasureAsync(IncidentWorkloads.ForMariaDb(WorkloadShape.TouchGroup, TextSize.FiftyKb) with { Warmup = [], Measured = [] }, BinlogSettings.Default);

    private async Task<MySqlRowProfile> DetectAsync()
    {
        await using var connection = new MySqlConnection(fixture.Server.ConnectionString(IncidentWorkloads.PlainSchema));
        return Assert.IsType<MySqlRowProfile>(await ReplicationProfile.DetectAsync(connection));
    }
}
