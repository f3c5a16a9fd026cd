using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Workloads;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// <c>binlog_row_metadata</c> MINIMAL and FULL (MySQL 8's default is MINIMAL; MariaDB's NO_LOG, which the other tests
/// use) lengthen every Table_map event: the model against the server on every catalog shape.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogRowMetadataCalibrationTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(BinlogRowMetadata.Minimal)]
    [InlineData(BinlogRowMetadata.Full)]
    public async Task EveryShape_IsPredictedWithinOnePercent_WithTheOptionalTableMapMetadata(BinlogRowMetadata metadata)
    {
        // A global, start-up-or-SET-GLOBAL variable: set for this test only (the collection runs one test at a time).
        await fixture.Server.Client.ExecuteAsync($"SET GLOBAL binlog_row_metadata='{(metadata == BinlogRowMetadata.Full ? "FULL" : "MINIMAL")}'");
        try
        {
            var misses = new List<string>();
            var exact = 0;
            foreach (var shape in WorkloadCatalog.Shapes)
            {
                foreach (var settings in BinlogSettings.All)
                {
                    var @case = new BinlogCase(IncidentWorkloads.ForMariaDb(shape, TextSize.OneKb), settings);
                    var measured = await fixture.Meter.MeasureAsync(@case.Workload, settings);
                    var profile = BinlogCalibrationTests.ProfileFor(@case);
                    var withMetadata = new MySqlRowProfile(profile.RowImage, new MySqlBinlogSettings
                    {
                        DatabaseName = profile.Settings.DatabaseName,
                        AnnotateRowEvents = profile.Settings.AnnotateRowEvents,
                        RowMetadata = metadata,
                    });
                    var accuracy = new Accuracy(CatalogPredictions.Predict(withMetadata, @case.Workload), measured.Bytes);
                    exact += accuracy.Predicted == accuracy.Measured ? 1 : 0;
                    if (!accuracy.IsWithin(0.01))
                    {
                        misses.Add($"{@case}: {accuracy}; {measured}");
                    }
                }
            }

            output.WriteLine($"binlog_row_metadata={metadata}: {exact} of {WorkloadCatalog.Shapes.Count * BinlogSettings.All.Count} workloads predicted to the byte");
            Assert.True(misses.Count == 0, string.Join("\n", misses));
        }
        finally
        {
            await fixture.Server.Client.ExecuteAsync("SET GLOBAL binlog_row_metadata='NO_LOG'");
        }
    }
}
