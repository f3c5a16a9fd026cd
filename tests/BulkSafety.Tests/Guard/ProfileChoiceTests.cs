using BulkSafety.Estimation;
using BulkSafety.Interception;
using BulkSafety.Tests.BulkCommands;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Guard;

/// <summary>
/// Which profile prices the work when none is configured, and how to see the estimates: SQLite writes no replication
/// log, so a stand-in prices its work and every report and log line says so; large units are logged at Information.
/// </summary>
public sealed class ProfileChoiceTests
{
    [Fact]
    public void UnconfiguredOnSqlite_IsPricedWithAStandIn_AndSaysSo()
    {
        using var harness = new GuardHarness(o => o.LogUnitsOfWorkFromBytes = 0);
        using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "g", Description = "d" });

        var report = context.EstimatePendingChanges();
        context.SaveChanges();

        Assert.Equal("mysql-row-full", report.ProfileName);
        Assert.StartsWith("a stand-in: SQLite writes no replication log", report.ProfileBasis, StringComparison.Ordinal);
        Assert.Contains("Profile mysql-row-full: a stand-in", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("B of mysql-row-full (a stand-in: SQLite writes no replication log", harness.Single(GuardLog.UnitOfWorkEstimatedId).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredProfile_IsUsedAsIs()
    {
        using var harness = new GuardHarness(o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical));
        using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "g", Description = "d" });

        var report = context.EstimatePendingChanges();

        Assert.Equal(("postgres-wal-logical", (string?)null), (report.ProfileName, report.ProfileBasis));
        Assert.DoesNotContain("stand-in", report.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, LogLevel.Information)]
    [InlineData(1_000_000, LogLevel.Debug)]
    public void UnitsFromTheThresholdUp_AreLoggedAtInformation(long threshold, LogLevel expected)
    {
        using var harness = new GuardHarness(o => o.LogUnitsOfWorkFromBytes = threshold);
        using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "wide", Description = new string('d', 2_000) });

        context.SaveChanges();

        Assert.Equal(expected, harness.Single(GuardLog.UnitOfWorkEstimatedId).Level);
    }
}
