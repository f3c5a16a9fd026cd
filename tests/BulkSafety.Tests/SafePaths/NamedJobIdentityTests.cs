using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.SafePaths;

/// <summary>
/// A job name is one job: its operation, table, query and setters, fingerprinted without parameter values. Another
/// filter or setter under the same name is refused; the same job with other values resumes with the values it started
/// with (or, when they are not stored, with its own).
/// </summary>
public sealed class NamedJobIdentityTests
{
    private static readonly BatchOptions Named = new() { JobName = "twin", MaxRowsPerBatch = 50 };

    [Fact]
    public async Task TheSameName_WithAnotherFilter_IsRefusedNamingTheJobAndBothQueries()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(500);
        await using var context = harness.Guarded();
        await Assert.ThrowsAsync<BatchJobCanceledException>(() => BatchCheckpointTests.IncrementUpTo(context, 200, Named, cancelAfterBatches: 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            context.Groups.Where(g => g.Name != "x").UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), Named));

        Assert.Contains("The job 'twin' was checkpointed as another job", error.Message, StringComparison.Ordinal);
        Assert.Contains("<=", error.Message, StringComparison.Ordinal);
        Assert.Contains("<>", error.Message, StringComparison.Ordinal);
        Assert.Equal(50, await CountAsync(harness, 1));
    }

    [Fact]
    public async Task TheSameName_WithAnotherSetter_IsRefused_NotReportedAsCompleted()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(100);
        await using var context = harness.Guarded();
        await BatchCheckpointTests.Increment(context, Named);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            context.Groups.UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 2), Named));

        Assert.Contains("g.PostsCount + 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("g.PostsCount + 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, await CountAsync(harness, 1));
    }

    [Fact]
    public async Task TheSameJob_CompletedAndRunAgain_IsAlreadyCompleted_WhateverItsParameterValues()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(100);
        await using var context = harness.Guarded();
        await BatchCheckpointTests.IncrementUpTo(context, 60, Named);

        var again = await BatchCheckpointTests.IncrementUpTo(context, 90, Named);

        Assert.True(again.AlreadyCompleted);
        Assert.Equal(60, await CountAsync(harness, 1));
    }

    [Fact]
    public async Task TheSameJob_RerunWithOtherParameterValues_ResumesWithTheValuesItStartedWith()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(400);
        await using var context = harness.Guarded();
        await Assert.ThrowsAsync<BatchJobCanceledException>(() => BatchCheckpointTests.IncrementUpTo(context, 200, Named, cancelAfterBatches: 1));
        Assert.NotNull(await ParameterValuesAsync(harness));

        var rerun = await BatchCheckpointTests.IncrementUpTo(context, 300, Named);

        Assert.Equal((50L, 150L), (rerun.RowsBeforeResume, rerun.Rows));
        await using var check = harness.Unguarded();
        Assert.True(await check.Groups.Where(g => g.Id <= 200).AllAsync(g => g.PostsCount == 1));
        Assert.True(await check.Groups.Where(g => g.Id > 200).AllAsync(g => g.PostsCount == 0));
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == BatchLog.JobStartedId && e.Message.Contains("with the parameter values it started with", StringComparison.Ordinal));
        Assert.Null(await ParameterValuesAsync(harness));
    }

    [Fact]
    public async Task WithoutStoredParameterValues_ARerunUsesItsOwnValues()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(400);
        await using var context = harness.Guarded();
        var options = new BatchOptions { JobName = "twin", MaxRowsPerBatch = 50, StoreParameterValues = false };
        await Assert.ThrowsAsync<BatchJobCanceledException>(() => BatchCheckpointTests.IncrementUpTo(context, 200, options, cancelAfterBatches: 1));
        Assert.Null(await ParameterValuesAsync(harness));

        var rerun = await BatchCheckpointTests.IncrementUpTo(context, 300, options);

        Assert.Equal((50L, 250L), (rerun.RowsBeforeResume, rerun.Rows));
        await using var check = harness.Unguarded();
        Assert.True(await check.Groups.Where(g => g.Id <= 300).AllAsync(g => g.PostsCount == 1));
    }

    [Fact]
    public async Task Tags_AreNotPartOfTheJob()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(100);
        await using var context = harness.Guarded();
        await BatchCheckpointTests.Increment(context, Named);

        var again = await context.Groups.TagWith("nightly").UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), Named);

        Assert.True(again.AlreadyCompleted);
    }

    private static async Task<int> CountAsync(GuardHarness harness, int postsCount)
    {
        await using var check = harness.Unguarded();
        return await check.Groups.CountAsync(g => g.PostsCount == postsCount);
    }

    private static async Task<string?> ParameterValuesAsync(GuardHarness harness)
    {
        await using var check = harness.Unguarded();
        return await check.Database.SqlQueryRaw<string?>("SELECT parameter_values AS Value FROM bulksafety_checkpoints WHERE job = 'twin'").SingleAsync();
    }
}
