using System.Globalization;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Workloads;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// Runs every PostgreSQL case of the <see cref="WorkloadCatalog"/> (each shape x text size x replica identity x wal_level,
/// steady and cold), checks the meter's accounting on each, and publishes the figures table of docs/real-databases.md.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WalCatalogTests(PostgresFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task EveryCatalogCase_SplitsIntoRecordsPageHeadersAndFullPageImages()
    {
        string[] columns = ["replica, identity default", "replica, identity full", "logical, identity default", "logical, identity full"];
        var report = new FiguresReport(
            "wal-figures",
            "PostgreSQL 15 WAL bytes per workload: workload records steady / cold (after CHECKPOINT); loop and set-based over 10 children",
            ["workload", "text", .. columns]);
        var figures = new Dictionary<(string, string), string[]>();
        foreach (var group in WorkloadCatalog.Postgres().GroupBy(c => (c.Level, c.Workload.Name, c.Identity)))
        {
            var (level, _, identity) = group.Key;
            await fixture.Server.SetWalLevelAsync(level);
            var steady = await fixture.Meter.MeasureAsync(group.Single(c => c.Start == WalStart.Steady).Workload, WalStart.Steady);
            var cold = await fixture.Meter.MeasureAsync(group.Single(c => c.Start == WalStart.Cold).Workload, WalStart.Cold);
            var workload = group.First().Workload;

            var because = $"{workload.Name} {level.ToSetting()}\nsteady {steady}\ncold {cold}";
            Assert.True(steady.LsnBytes == steady.RecordBytes + steady.PageHeaderBytes, because);
            Assert.True(cold.LsnBytes == cold.RecordBytes + cold.PageHeaderBytes, because);
            Assert.True(steady.FullPageImageBytes == 0, because);
            Assert.True((steady.WorkloadBytes > 0) == (workload.Shape != WorkloadShape.DeleteNothing), because);
            // Every first change of an existing page after the checkpoint carries its image; the insert into the empty
            // tables only initialises new pages (INSERT+INIT, NEWROOT), which need none.
            Assert.True((cold.FullPageImageBytes > 0) == (workload.Shape is not (WorkloadShape.DeleteNothing or WorkloadShape.InsertGroup)), because);

            var key = (IncidentWorkloads.ShapeName(workload.Shape), workload.Text.Name);
            if (!figures.TryGetValue(key, out var cells))
            {
                cells = new string[columns.Length];
                figures[key] = cells;
            }

            cells[(level == WalLevel.Logical ? 2 : 0) + (identity == ReplicaIdentity.Full ? 1 : 0)] =
                string.Create(CultureInfo.InvariantCulture, $"{steady.WorkloadBytes:N0} / {cold.WorkloadBytes:N0}");
        }

        foreach (var ((shape, text), cells) in figures)
        {
            report.Add([shape, text, .. cells]);
        }

        report.Publish(output);
    }
}
