using System.Globalization;
using System.Text;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Workloads;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// Runs every MariaDB case of the <see cref="WorkloadCatalog"/> (each shape x text size x row image x annotate) and checks
/// each against the framing rules of ENGINE-NOTES §3.3; publishes the figures table of docs/real-databases.md.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogCatalogTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private static readonly HashSet<long> TableMapSizes = [62, 51, 54, 63, 52, 55];

    [Fact]
    public async Task EveryCatalogCase_IsFramedAsTheFormulaSays()
    {
        var settings = BinlogSettings.All;
        var report = new FiguresReport(
            "binlog-figures",
            "MariaDB 10.11 binlog bytes per workload (autocommit statements; loop and set-based over 10 children)",
            ["workload", "text", .. settings.Select(s => s.ToString())]);
        var figures = new Dictionary<(string, string), string[]>();
        foreach (var @case in WorkloadCatalog.MariaDb())
        {
            var measured = await fixture.Meter.MeasureAsync(@case.Workload, @case.Settings);

            AssertFraming(@case, measured);
            var key = (IncidentWorkloads.ShapeName(@case.Workload.Shape), @case.Workload.Text.Name);
            if (!figures.TryGetValue(key, out var cells))
            {
                cells = new string[settings.Count];
                figures[key] = cells;
            }

            cells[settings.ToList().IndexOf(@case.Settings)] = measured.Bytes.ToString("N0", CultureInfo.InvariantCulture);
        }

        foreach (var ((shape, text), cells) in figures)
        {
            report.Add([shape, text, .. cells]);
        }

        report.Publish(output);
    }

    private static void AssertFraming(BinlogCase @case, BinlogMeasurement measured)
    {
        var because = $"{@case}: {measured}";
        Assert.True(measured.Bytes == measured.Events.Sum(e => e.Size), because);
        var transactions = measured.CountOf("Gtid");
        Assert.True(transactions == measured.CountOf("Xid"), because);
        Assert.True(measured.Events.Where(e => e.EventType is "Gtid").All(e => e.Size == IncidentBinlogArithmetic.Gtid), because);
        Assert.True(measured.Events.Where(e => e.EventType is "Xid").All(e => e.Size == IncidentBinlogArithmetic.Xid), because);
        Assert.True(measured.Events.Where(e => e.EventType is "Table_map").All(e => TableMapSizes.Contains(e.Size)), because);
        var annotations = measured.Events.Where(e => e.EventType == "Annotate_rows").ToList();
        Assert.True(@case.Settings.AnnotateRows ? annotations.Count == transactions : annotations.Count == 0, because);
        Assert.True(annotations.All(e => e.Size == IncidentBinlogArithmetic.EventFraming + Encoding.UTF8.GetByteCount(e.Info)), because);
        Assert.True(measured.Events.All(e => e.EventType is "Gtid" or "Annotate_rows" or "Table_map" or "Xid" or "Write_rows_v1" or "Update_rows_v1" or "Delete_rows_v1"), because);

        var writesRows = @case.Workload.Shape is not (WorkloadShape.NoOpUpdate or WorkloadShape.DeleteNothing);
        Assert.True(writesRows == (measured.Bytes > 0), because);
    }
}
