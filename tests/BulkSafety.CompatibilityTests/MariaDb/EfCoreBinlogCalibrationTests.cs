using System.Reflection;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Calibration;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The guard end to end on MariaDB 10.11 through EF Core, Pomelo and MySqlConnector: <see cref="BulkSafetyDbContextExtensions.EstimatePendingChanges"/>
/// right before each SaveChanges against the binlog bytes that SaveChanges writes, for the catalog's workloads as an EF
/// application writes them (<see cref="EfCatalogWorkload"/>), under FULL, MINIMAL and NOBLOB row images with MariaDB's
/// default annotate events, whose statement text is the SQL Pomelo generates with the values MySqlConnector writes
/// into it. Every SaveChanges is one transaction and is held to ±1 % or ±64 B, whichever is larger. Publishes the table
/// of docs/real-databases.md.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class EfCoreBinlogCalibrationTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    internal const double Tolerance = 0.01;
    internal const int ToleranceBytes = 64;

    private static readonly BinlogRowImage[] RowImages = [BinlogRowImage.Full, BinlogRowImage.Minimal, BinlogRowImage.NoBlob];

    [Fact]
    public async Task EstimatePendingChanges_PredictsTheBinlogOfEachSaveChanges_WithinOnePercentOr64Bytes()
    {
        var report = new FiguresReport(
            "ef-binlog-calibration",
            $"EF Core {Version(typeof(DbContext))} + Pomelo {Version(typeof(MySqlDbContextOptionsBuilderExtensions))} + MySqlConnector {Version(typeof(MySqlConnector.MySqlConnection))} on MariaDB 10.11: " +
            "sum of EstimatePendingChanges before each SaveChanges / measured binlog bytes of those SaveChanges (annotate on)",
            ["workload", "text", .. RowImages.Select(Name)]);
        var cells = new Dictionary<(WorkloadShape, TextSize), string[]>();
        var misses = new List<string>();
        try
        {
            for (var column = 0; column < RowImages.Length; column++)
            {
                await fixture.Server.Client.ExecuteAsync($"SET GLOBAL binlog_row_image='{Name(RowImages[column])}'");
                foreach (var shape in CatalogChanges.Shapes)
                {
                    foreach (var text in TextSize.All)
                    {
                        var profile = ReplicationProfile.MySqlRow(RowImages[column], new MySqlBinlogSettings { DatabaseName = SchemaOf(shape) });
                        var transactions = await EfCatalogWorkload.RunAsync(fixture, shape, text, profile);
                        var name = $"{IncidentWorkloads.ShapeName(shape)}/{text} {Name(RowImages[column])}";
                        misses.AddRange(transactions.Where(t => !t.IsWithin(Tolerance, ToleranceBytes)).Select(t => $"{name}: {t.Accuracy}\n{t.Measured}"));
                        var sum = EfCatalogWorkload.Sum(transactions);
                        output.WriteLine($"{name}: {sum}");
                        if (!cells.TryGetValue((shape, text), out var row))
                        {
                            row = new string[RowImages.Length];
                            cells[(shape, text)] = row;
                        }

                        row[column] = sum.Cell;
                    }
                }
            }
        }
        finally
        {
            await fixture.Server.Client.ExecuteAsync("SET GLOBAL binlog_row_image='FULL'");
        }

        foreach (var ((shape, text), row) in cells)
        {
            report.Add([IncidentWorkloads.ShapeName(shape), text.Name, .. row]);
        }

        report.Publish(output);
        Assert.True(misses.Count == 0, $"{misses.Count} transactions outside ±{Tolerance:P0} or ±{ToleranceBytes} B:\n{string.Join("\n\n", misses)}");
    }

    private static string SchemaOf(WorkloadShape shape) => shape == WorkloadShape.CascadeDelete ? IncidentWorkloads.CascadeSchema : IncidentWorkloads.PlainSchema;

    private static string Version(Type type) =>
        type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private static string Name(BinlogRowImage image) => image == BinlogRowImage.NoBlob ? "NOBLOB" : image.ToString().ToUpperInvariant();
}
