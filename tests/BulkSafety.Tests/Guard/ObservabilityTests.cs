using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Guard;

/// <summary>Stable log event IDs and the <c>BulkSafety</c> meter's instruments.</summary>
[Collection(MetricsCollection.Name)]
public sealed class ObservabilityTests
{
    [Fact]
    public void EverySaveChanges_LogsItsEstimateAtDebug()
    {
        using var harness = new GuardHarness();
        using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "observed", Description = "d" });
        var bytes = context.EstimatePendingChanges().EstimatedBytes;

        context.SaveChanges();

        var entry = Assert.Single(harness.Log.Entries);
        Assert.Equal((GuardLog.UnitOfWorkEstimatedId, "UnitOfWorkEstimated", LogLevel.Debug), (entry.EventId.Id, entry.EventId.Name, entry.Level));
        Assert.Contains($"{bytes} B of mysql-row-full (a stand-in: SQLite writes no replication log", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Violation_IsLoggedAtErrorWithTheReport()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        using var context = harness.Guarded();
        context.Groups.AddRange(new Group { Name = "a", Description = "" }, new Group { Name = "b", Description = "" });

        Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());

        var entry = Assert.Single(harness.Log.Entries, e => e.Level > LogLevel.Debug);
        Assert.Equal((GuardLog.BudgetExceededId, "BudgetExceeded", LogLevel.Error), (entry.EventId.Id, entry.EventId.Name, entry.Level));
        Assert.Contains("BS9002 blocked (Enforce mode)", entry.Message, StringComparison.Ordinal);
        Assert.Contains("groups", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Meter_CountsBytesPerTableViolationsAndAllowances()
    {
        var measurements = new ConcurrentBag<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BulkSafetyInfo.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        var id = harness.SeedGroup(descriptionBytes: 1_000);
        using var context = harness.Guarded();
        context.Posts.Add(new Post { GroupId = id, Body = "metered" });
        Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());
        using (BulkSafetyScope.Allow("metrics test"))
        {
            context.SaveChanges();
        }

        var bytes = measurements.Where(m => m.Instrument == "bulksafety.estimated_bytes").ToList();
        Assert.Equal(harness.Ledger.CommittedBytesInWindow, bytes.Sum(m => m.Value));
        Assert.All(bytes, m => Assert.Equal("mysql-row-full", m.Tags["profile"]));
        Assert.Equal(["(transaction)", "groups", "posts"], bytes.Select(m => (string)m.Tags["table"]!).Order());
        var violation = Assert.Single(measurements, m => m.Instrument == "bulksafety.violations");
        Assert.Equal((BulkSafetyRuleIds.UnitOfWorkRows, "blocked"), ((string)violation.Tags["rule"]!, (string)violation.Tags["action"]!));
        var allowance = Assert.Single(measurements, m => m.Instrument == "bulksafety.allowances");
        Assert.Equal("metrics test", allowance.Tags["reason"]);
    }

    [Fact]
    public void Meter_IsCreatedByTheApplicationsMeterFactory()
    {
        var scopes = new ConcurrentBag<object?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BulkSafetyInfo.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => scopes.Add(instrument.Meter.Scope));
        listener.Start();
        IMeterFactory? factory = null;

        using var harness = new GuardHarness(services: services => services.AddMetrics());
        using (var context = harness.Guarded())
        {
            factory = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.ApplicationServiceProvider!.GetRequiredService<IMeterFactory>();
            context.Groups.Add(new Group { Name = "metered", Description = "" });
            context.SaveChanges();
        }

        Assert.NotEmpty(scopes);
        Assert.All(scopes, scope => Assert.Same(factory, scope));
    }
}


/// <summary>Tests that listen to the process-wide meter run alone, so no other test's measurements reach them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}