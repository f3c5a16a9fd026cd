using System.Globalization;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// The estimator's <see cref="ReplicationProfile.PostgresWal"/> against PostgreSQL's real WAL on every catalog workload
/// (each shape × text size × replica identity × wal_level): steady state within ±10 % of the workload's record bytes, and
/// the extra WAL of a cold start (right after a CHECKPOINT) within <see cref="PostgresWalProfile.FullPageImageBound"/>.
/// Publishes the predicted-vs-measured and full-page-image tables of docs/estimation.md.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WalCalibrationTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const double Tolerance = 0.10;

    private static readonly string[] Columns = ["replica, identity default", "replica, identity full", "logical, identity default", "logical, identity full"];

    [Fact]
    public async Task EveryCatalogWorkload_IsPredictedWithinTenPercentSteady_AndWithinTheFullPageImageBoundCold()
    {
        var steadyReport = new FiguresReport(
            "wal-calibration",
            "PostgresWal estimate / PostgreSQL 15 measured WAL record bytes, steady state; autocommit statements, loop and set-based over 10 children",
            ["workload", "text", .. Columns]);
        var coldReport = new FiguresReport(
            "wal-full-page-images",
            "PostgreSQL 15 cold start (CHECKPOINT first): measured extra WAL over steady state / PostgresWalProfile.FullPageImageBound of the same rows",
            ["workload", "text", .. Columns]);
        var steadyCells = new Dictionary<(WorkloadShape, TextSize), string[]>();
        var coldCells = new Dictionary<(WorkloadShape, TextSize), string[]>();
        var misses = new List<string>();
        long predictedSum = 0, measuredSum = 0;
        foreach (var group in WorkloadCatalog.Postgres().Where(c => c.Start == WalStart.Steady).GroupBy(c => c.Level))
        {
            await fixture.Server.SetWalLevelAsync(group.Key);
            foreach (var @case in group)
            {
                var workload = @case.Workload.Shape == WorkloadShape.InsertGroup ? IntoNonEmptyTables(@case) : @case.Workload;
                var steady = await fixture.Meter.MeasureAsync(workload, WalStart.Steady);
                var cold = await fixture.Meter.MeasureAsync(workload, WalStart.Cold);
                var predicted = CatalogPredictions.Predict(ProfileFor(@case), workload);
                var bound = CatalogPredictions.Predict(ProfileFor(@case, includeFullPageImages: true), workload) - predicted;
                var accuracy = new Accuracy(predicted, steady.WorkloadBytes);
                var coldExtra = cold.WorkloadBytes - steady.WorkloadBytes;
                predictedSum += predicted;
                measuredSum += steady.WorkloadBytes;
                var because = $"{@case} identity {@case.Identity}: {accuracy}\nsteady {steady}\ncold {cold}";
                if (!accuracy.IsWithin(Tolerance))
                {
                    misses.Add($"steady, {because}");
                }

                if (coldExtra > bound)
                {
                    misses.Add($"cold extra {coldExtra:N0} B above the bound {bound:N0} B, {because}");
                }

                var column = (@case.Level == WalLevel.Logical ? 2 : 0) + (@case.Identity == ReplicaIdentity.Full ? 1 : 0);
                Cells(steadyCells, @case)[column] = accuracy.Cell;
                Cells(coldCells, @case)[column] = string.Create(CultureInfo.InvariantCulture, $"{coldExtra:N0} / {bound:N0}");
            }
        }

        Publish(steadyReport, steadyCells);
        Publish(coldReport, coldCells);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steady: sum predicted / sum measured = {(double)predictedSum / measuredSum:F4}"));
        Assert.True(misses.Count == 0, $"{misses.Count} misses:\n{string.Join("\n\n", misses)}");
    }

    [Theory]
    [InlineData(WalLevel.Replica)]
    [InlineData(WalLevel.Logical)]
    public async Task FirstRowOfAnEmptyTable_AddsANewRootRecordPerIndex_AndIsOtherwisePredicted(WalLevel level)
    {
        await fixture.Server.SetWalLevelAsync(level);
        foreach (var text in TextSize.All)
        {
            var @case = new WalCase(IncidentWorkloads.ForPostgres(WorkloadShape.InsertGroup, text, ReplicaIdentity.Default), ReplicaIdentity.Default, level, WalStart.Steady);

            var measured = await fixture.Meter.MeasureAsync(@case.Workload, WalStart.Steady);

            // The catalog inserts into freshly created tables: the first entry of each B-tree (the primary key, and the
            // TOAST index when the description goes out of line) creates its root page, one NEWROOT record each.
            var newRoots = measured.Records.Count(r => r.RecordType == "NEWROOT");
            Assert.Equal(CatalogTables.Groups(cascades: false).IndexCount + (text.Bytes > PostgresWalProfile.ToastTupleThreshold ? 1 : 0), newRoots);
            var accuracy = new Accuracy(CatalogPredictions.Predict(ProfileFor(@case), @case.Workload), measured.WorkloadBytes - measured.BytesOf("Btree", "NEWROOT"));
            Assert.True(accuracy.IsWithin(Tolerance), $"{@case}: {accuracy} without the NEWROOT records; {measured}");
        }
    }

    /// <summary>The profile of the server's wal_level and the tables' replica identity.</summary>
    internal static PostgresWalProfile ProfileFor(WalCase @case, bool includeFullPageImages = false) => ReplicationProfile.PostgresWal(
        @case.Level == WalLevel.Logical ? PostgresWalLevel.Logical : PostgresWalLevel.Replica,
        @case.Identity == ReplicaIdentity.Full ? PostgresReplicaIdentity.Full : PostgresReplicaIdentity.Default,
        includeFullPageImages);

    /// <summary>
    /// The catalog's INSERT of group 8 into tables that already hold group 7 and its children, the steady state of an
    /// application: the catalog's own insert-group runs into freshly created, empty tables, whose first row also creates
    /// each index's root page (measured apart in <see cref="FirstRowOfAnEmptyTable_AddsANewRootRecordPerIndex_AndIsOtherwisePredicted"/>).
    /// </summary>
    private static Workload IntoNonEmptyTables(WalCase insert)
    {
        var populated = IncidentWorkloads.ForPostgres(WorkloadShape.DeleteGroup, insert.Workload.Text, insert.Identity);
        return insert.Workload with { Name = insert.Workload.Name + " (non-empty tables)", Setup = populated.Setup };
    }

    private static string[] Cells(Dictionary<(WorkloadShape, TextSize), string[]> cells, WalCase @case)
    {
        var key = (@case.Workload.Shape, @case.Workload.Text);
        if (!cells.TryGetValue(key, out var row))
        {
            row = new string[Columns.Length];
            cells[key] = row;
        }

        return row;
    }

    private void Publish(FiguresReport report, Dictionary<(WorkloadShape, TextSize), string[]> cells)
    {
        foreach (var ((shape, text), row) in cells)
        {
            report.Add([IncidentWorkloads.ShapeName(shape), text.Name, .. row]);
        }

        report.Publish(output);
    }
}
