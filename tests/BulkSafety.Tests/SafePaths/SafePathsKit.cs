using System.Collections.Concurrent;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.Time.Testing;

namespace BulkSafety.Tests.SafePaths;

/// <summary>Records a batched job's progress reports, and can act on one (cancel, observe) as the job reports it.</summary>
internal sealed class ProgressLog(Action<BatchProgress>? onReport = null) : IProgress<BatchProgress>
{
    private readonly ConcurrentQueue<BatchProgress> _reports = new();

    public IReadOnlyList<BatchProgress> Reports => [.. _reports];

    public IReadOnlyList<BatchProgress> Batches => [.. _reports.Where(r => r.State == BatchState.Running && r.Batches > 0).DistinctBy(r => r.Batches)];

    public void Report(BatchProgress value)
    {
        _reports.Enqueue(value);
        onReport?.Invoke(value);
    }
}

/// <summary>A probe that answers from a script, then proceeds.</summary>
internal sealed class ScriptedProbe(params bool[] waits) : IPacingProbe
{
    private int _calls;

    public int Calls => _calls;

    public ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls) - 1;
        return ValueTask.FromResult(call < waits.Length && waits[call]
            ? PacingVerdict.Wait($"scripted wait #{call + 1}")
            : PacingVerdict.Proceed("scripted go"));
    }
}

internal static class SafePathsKit
{
    /// <summary>Seeds a group with posts whose bodies are <paramref name="bodyBytes"/> long (ASCII).</summary>
    public static long SeedPosts(this GuardHarness harness, int posts, int bodyBytes = 100)
    {
        using var context = harness.Unguarded();
        var group = new Group { Name = "spam", Description = "d", CreatedAt = DateTime.UnixEpoch, UpdatedAt = DateTime.UnixEpoch };
        for (var i = 0; i < posts; i++)
        {
            group.Posts.Add(new Post { Body = new string('p', bodyBytes), AuthorId = i });
        }

        context.Groups.Add(group);
        context.SaveChanges();
        return group.Id;
    }

    /// <summary>Seeds <paramref name="groups"/> groups with descriptions of <paramref name="descriptionBytes"/>.</summary>
    public static void SeedGroups(this GuardHarness harness, int groups, int descriptionBytes = 100)
    {
        using var context = harness.Unguarded();
        for (var i = 0; i < groups; i++)
        {
            context.Groups.Add(new Group { Name = $"g{i}", Description = new string('d', descriptionBytes), CreatedAt = DateTime.UnixEpoch, UpdatedAt = DateTime.UnixEpoch });
        }

        context.SaveChanges();
    }

    /// <summary>Advances the fake clock in steps until <paramref name="job"/> ends (its waits are on that clock).</summary>
    public static async Task<T> DriveAsync<T>(this FakeTimeProvider clock, Task<T> job, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!job.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(step);
            await Task.Delay(5);
        }

        return await job;
    }

    /// <summary>Waits (real time, generously) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
