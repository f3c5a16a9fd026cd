using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;
using static BulkSafety.IntegrationTests.Postgres.IncidentWalArithmetic;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>The WAL meter around real EF Core round trips (Npgsql provider) on the incident tables: EF's parameterized
/// statements write the same WAL as the catalog's SQL text.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EfCoreWalTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SaveChanges_CounterDecrement_LogsWhatTheSqlWorkloadLogs(bool async)
    {
        await PrepareAsync(WorkloadShape.UpdateCounter);
        await using var context = IncidentDbContext.Create(fixture.Server);
        var group = await context.Groups.SingleAsync(g => g.Id == IncidentWorkloads.GroupId);
        group.PostsCount--;

        var measured = await fixture.Meter.MeasureAsync(
            async token =>
            {
                if (async)
                {
                    await context.SaveChangesAsync(token);
                }
                else
                {
                    context.SaveChanges();
                }
            },
            WalStart.Steady);

        Assert.Equal(TupleLock + LogicalHotUpdate(TextSize.FiftyKb, ReplicaIdentity.Default) + LogicalCommit, measured.WorkloadBytes);
        Assert.Equal(264, measured.WorkloadBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteDelete_OfAllChildren_LogsOneDeletePerChildInOneTransaction(bool async)
    {
        await PrepareAsync(WorkloadShape.SetBased);
        await using var context = IncidentDbContext.Create(fixture.Server);
        var children = context.Posts.Where(p => p.GroupId == IncidentWorkloads.GroupId);

        var deleted = 0;
        var measured = await fixture.Meter.MeasureAsync(
            async token => deleted = async ? await children.ExecuteDeleteAsync(token) : children.ExecuteDelete(),
            WalStart.Steady);

        Assert.Equal(Workload.Children, deleted);
        Assert.Equal((Workload.Children * LogicalDelete(KeyTupleLength)) + LogicalCommit, measured.WorkloadBytes);
    }

    // Builds the tables and rows of a catalog workload (its own measurement is not needed here).
    private async Task PrepareAsync(WorkloadShape shape)
    {
        await fixture.Server.SetWalLevelAsync(WalLevel.Logical);
        var workload = IncidentWorkloads.ForPostgres(shape, TextSize.FiftyKb, ReplicaIdentity.Default);
        await fixture.Meter.MeasureAsync(workload with { Measured = [] }, WalStart.Steady);
    }
}
