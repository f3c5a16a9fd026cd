using System.Globalization;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// The guard end to end on PostgreSQL through EF Core and Npgsql: <see cref="BulkSafetyDbContextExtensions.EstimatePendingChanges"/>
/// right before each SaveChanges against the WAL that SaveChanges writes (steady state), for the catalog's workloads as
/// an EF application writes them — the per-child loop saves once per child (EF folds the counter and the touch into one
/// UPDATE of the group), the set-based alternative deletes the tracked posts and updates the group in one SaveChanges, and
/// the cascade deletes a group whose posts and memberships EF does not track (the database deletes them; the guard's
/// probe counts them).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EfCoreWalCalibrationTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const double Tolerance = 0.10;

    private static readonly (WalLevel Level, ReplicaIdentity Identity)[] Settings =
        [(WalLevel.Replica, ReplicaIdentity.Default), (WalLevel.Logical, ReplicaIdentity.Default), (WalLevel.Logical, ReplicaIdentity.Full)];

    private static DateTime Now => DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Unspecified);

    [Fact]
    public async Task EstimatePendingChanges_PredictsTheWalOfEachSaveChangesWithinTenPercent()
    {
        var report = new FiguresReport(
            "ef-wal-calibration",
            "EF Core + Npgsql: sum of EstimatePendingChanges before each SaveChanges / measured WAL record bytes of those SaveChanges, steady state",
            ["workload", "text", .. Settings.Select(s => $"{s.Level.ToSetting()}, identity {s.Identity.ToString().ToLowerInvariant()}")]);
        var cells = new Dictionary<(WorkloadShape, TextSize), string[]>();
        var misses = new List<string>();
        for (var column = 0; column < Settings.Length; column++)
        {
            var (level, identity) = Settings[column];
            await fixture.Server.SetWalLevelAsync(level);
            var profile = ReplicationProfile.PostgresWal(
                level == WalLevel.Logical ? PostgresWalLevel.Logical : PostgresWalLevel.Replica,
                identity == ReplicaIdentity.Full ? PostgresReplicaIdentity.Full : PostgresReplicaIdentity.Default);
            foreach (var shape in CatalogChanges.Shapes)
            {
                foreach (var text in TextSize.All)
                {
                    var (estimated, measured) = await RunAsync(shape, text, identity, profile);
                    var accuracy = new Accuracy(estimated, measured.WorkloadBytes);
                    if (!accuracy.IsWithin(Tolerance))
                    {
                        misses.Add($"{IncidentWorkloads.ShapeName(shape)}/{text} {level.ToSetting()} identity {identity}: {accuracy}\n{measured}");
                    }

                    if (!cells.TryGetValue((shape, text), out var row))
                    {
                        row = new string[Settings.Length];
                        cells[(shape, text)] = row;
                    }

                    row[column] = accuracy.Cell;
                }
            }
        }

        foreach (var ((shape, text), row) in cells)
        {
            report.Add([IncidentWorkloads.ShapeName(shape), text.Name, .. row]);
        }

        report.Publish(output);
        Assert.True(misses.Count == 0, $"{misses.Count} workloads outside ±{Tolerance:P0}:\n{string.Join("\n\n", misses)}");
    }

    [Fact]
    public async Task DatabaseCascade_IsCountedByTheProbeOnPostgres_AndReported()
    {
        await fixture.Server.SetWalLevelAsync(WalLevel.Replica);
        await PrepareAsync(WorkloadShape.CascadeDelete, TextSize.OneKb, ReplicaIdentity.Default);
        await using var context = CatalogDbContext.Create(fixture.Server, IncidentWorkloads.CascadeSchema, o => o.Profile = ReplicationProfile.PostgresWal());
        var firstPosts = await context.Posts.Where(p => p.GroupId == IncidentWorkloads.GroupId).OrderBy(p => p.Id).Take(3).ToListAsync();
        context.Groups.Remove(await context.Groups.SingleAsync(g => g.Id == IncidentWorkloads.GroupId));
        context.Posts.RemoveRange(firstPosts);

        var report = context.EstimatePendingChanges();
        await context.SaveChangesAsync();

        Assert.Equal(
            [("gtc.groups", 1, 0), ("gtc.memberships", Workload.Memberships, Workload.Memberships), ("gtc.posts", Workload.Children, Workload.Children - 3)],
            report.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)).Order());
        Assert.Equal(0, await context.Posts.CountAsync());
        Assert.Equal(0, await context.Memberships.CountAsync());
    }

    // Builds the catalog's tables and rows for the shape (empty-table inserts go into populated tables), then runs the
    // EF version of the workload, estimating before and measuring around each SaveChanges.
    private async Task<(long Estimated, WalMeasurement Measured)> RunAsync(WorkloadShape shape, TextSize text, ReplicaIdentity identity, ReplicationProfile profile)
    {
        await PrepareAsync(shape == WorkloadShape.InsertGroup ? WorkloadShape.DeleteGroup : shape, text, identity);
        var schema = shape == WorkloadShape.CascadeDelete ? IncidentWorkloads.CascadeSchema : IncidentWorkloads.PlainSchema;
        await using var context = CatalogDbContext.Create(fixture.Server, schema, o =>
        {
            o.Profile = profile;
            o.Mode = BulkSafetyMode.Warn;
        });
        var group = shape == WorkloadShape.InsertGroup ? null : await context.Groups.SingleAsync(g => g.Id == IncidentWorkloads.GroupId);
        if (shape is WorkloadShape.UpdateCounter or WorkloadShape.TouchGroup)
        {
            // Warm-up, as the catalog does for repeatable updates: the measured rewrite is then a steady one.
            group!.UpdatedAt = Now;
            await context.SaveChangesAsync();
        }

        var posts = shape is WorkloadShape.DeleteChild or WorkloadShape.PerChildLoop or WorkloadShape.SetBased
            ? await context.Posts.Where(p => p.GroupId == IncidentWorkloads.GroupId).OrderBy(p => p.Id).ToListAsync()
            : [];
        long estimated = 0;
        var measured = await fixture.Meter.MeasureAsync(
            async token =>
            {
                foreach (var change in CatalogChanges.For(context, shape, text, group, posts, () => Now))
                {
                    change();
                    estimated += context.EstimatePendingChanges().EstimatedBytes;
                    await context.SaveChangesAsync(token);
                }
            },
            WalStart.Steady);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{IncidentWorkloads.ShapeName(shape)}/{text} {profile}: {new Accuracy(estimated, measured.WorkloadBytes)}"));
        return (estimated, measured);
    }

    private async Task PrepareAsync(WorkloadShape shape, TextSize text, ReplicaIdentity identity)
    {
        var workload = IncidentWorkloads.ForPostgres(shape, text, identity);
        await fixture.Meter.MeasureAsync(workload with { Warmup = [], Measured = [] }, WalStart.Steady);
    }
}
