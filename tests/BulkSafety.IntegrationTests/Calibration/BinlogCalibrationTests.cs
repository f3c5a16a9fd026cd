using System.Globalization;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Workloads;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// The estimator's <see cref="ReplicationProfile.MySqlRow"/> against MariaDB's real binlog on every catalog workload (each
/// shape × text size × FULL/MINIMAL/NOBLOB × annotate on/off): within ±1 % of the measured bytes per workload, where every
/// statement is its own transaction, when the model is given each statement's text length. Publishes the
/// predicted-vs-measured table of docs/estimation.md. The text the guard estimates itself in SaveChanges is the SQL
/// Pomelo sends, not this catalog's hand-written SQL: it is calibrated through Pomelo by CompatibilityTests'
/// <c>EfCoreBinlogCalibrationTests</c>.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogCalibrationTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private const double Tolerance = 0.01;

    [Fact]
    public async Task EveryCatalogWorkload_IsPredictedWithinOnePercent()
    {
        var settings = BinlogSettings.All;
        var report = new FiguresReport(
            "binlog-calibration",
            "MySqlRow estimate / MariaDB 10.11 measured binlog bytes (position delta) per workload; autocommit statements, loop and set-based over 10 children",
            ["workload", "text", .. settings.Select(s => s.ToString())]);
        var rows = new Dictionary<(WorkloadShape, TextSize), string[]>();
        var misses = new List<string>();
        long predictedSum = 0, measuredSum = 0;
        foreach (var @case in WorkloadCatalog.MariaDb())
        {
            var measured = await fixture.Meter.MeasureAsync(@case.Workload, @case.Settings);
            var accuracy = new Accuracy(CatalogPredictions.Predict(ProfileFor(@case), @case.Workload), measured.Bytes);
            output.WriteLine($"{@case}: {accuracy}");
            predictedSum += accuracy.Predicted;
            measuredSum += accuracy.Measured;
            if (!accuracy.IsWithin(Tolerance))
            {
                misses.Add($"{@case}: {accuracy}; measured {measured}");
            }

            var key = (@case.Workload.Shape, @case.Workload.Text);
            if (!rows.TryGetValue(key, out var cells))
            {
                cells = new string[settings.Count];
                rows[key] = cells;
            }

            cells[settings.ToList().IndexOf(@case.Settings)] = accuracy.Cell;
        }

        foreach (var ((shape, text), cells) in rows)
        {
            report.Add([IncidentWorkloads.ShapeName(shape), text.Name, .. cells]);
        }

        report.Publish(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum predicted / sum measured = {(double)predictedSum / measuredSum:F6}"));
        Assert.True(misses.Count == 0, $"{misses.Count} workloads outside ±{Tolerance:P0}:\n{string.Join("\n", misses)}");
    }

    /// <summary>The profile of the server's session settings: the row image and annotate setting of the case, the
    /// fixture's CRC32 checksums and 8 KB Rows events, and the workload's database (every Table_map carries its name).</summary>
    internal static MySqlRowProfile ProfileFor(BinlogCase @case) => ReplicationProfile.MySqlRow(
        @case.Settings.RowImage switch
        {
            RowImage.Full => BinlogRowImage.Full,
            RowImage.Minimal => BinlogRowImage.Minimal,
            _ => BinlogRowImage.NoBlob,
        },
        new MySqlBinlogSettings
        {
            DatabaseName = @case.Workload.Schema,
            AnnotateRowEvents = @case.Settings.AnnotateRows,
            Checksum = BinlogChecksum.Crc32,
            RowEventMaxSize = 8192,
        });
}
