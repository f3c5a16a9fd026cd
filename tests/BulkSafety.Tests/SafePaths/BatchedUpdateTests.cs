using BulkSafety.Estimation;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.SafePaths;

/// <summary>UpdateInBatchesAsync on real SQLite: every matching row once, even when the update changes the filter.</summary>
public sealed class BatchedUpdateTests
{
    [Fact]
    public async Task Update_AppliesTheSettersToEveryMatchingRowOnce()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(250);
        await using var context = harness.Guarded();

        var result = await context.Groups.Where(g => g.Id > 50)
            .UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), new BatchOptions { MaxRowsPerBatch = 40 });

        Assert.Equal((200, 5), (result.Rows, result.Batches));
        await using var check = harness.Unguarded();
        Assert.Equal(200, await check.Groups.CountAsync(g => g.Id > 50 && g.PostsCount == 1));
        Assert.Equal(50, await check.Groups.CountAsync(g => g.Id <= 50 && g.PostsCount == 0));
    }

    [Fact]
    public async Task Update_ThatKeepsRowsMatching_EndsAfterOnePassOverTheKeys()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(120);
        await using var context = harness.Guarded();

        // Every updated row still matches the filter (4 passes would be needed to leave it): a loop that re-reads
        // "the next rows that match" would update the same rows again and again; the keyset moves on.
        var result = await context.Groups.Where(g => g.PostsCount < 5)
            .UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), new BatchOptions { MaxRowsPerBatch = 25 });

        Assert.Equal(120, result.Rows);
        await using var check = harness.Unguarded();
        Assert.True(await check.Groups.AllAsync(g => g.PostsCount == 1));
    }

    [Fact]
    public async Task Update_UnderMinimalRowImages_IsPricedByTheAssignedColumnsOnly()
    {
        var full = await UpdateWideGroupsAsync(BinlogRowImage.Full);
        var minimal = await UpdateWideGroupsAsync(BinlogRowImage.Minimal);

        // FULL logs each 10 KB description before and after; MINIMAL the key and the counter.
        Assert.Equal(full.Rows, minimal.Rows);
        Assert.True(full.Bytes > 50 * minimal.Bytes, $"FULL {full.Bytes} B, MINIMAL {minimal.Bytes} B");
        Assert.InRange(full.Bytes, full.Rows * 2 * 10_000, full.Rows * 2 * 10_500);
    }

    private static async Task<BatchResult> UpdateWideGroupsAsync(BinlogRowImage image)
    {
        using var harness = new GuardHarness(o => o.Profile = ReplicationProfile.MySqlRow(image));
        harness.SeedGroups(30, descriptionBytes: 10_000);
        await using var context = harness.Guarded();
        return await context.Groups.UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1));
    }
}
