using BulkSafety.Budgets;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkSafety.Tests.Guard;

/// <summary>Which ledger a context records into: the one of AddBulkSafety, shared by all contexts, or the static default.</summary>
public sealed class LedgerSharingTests
{
    [Fact]
    public void ContextsOfOneServiceProvider_ShareOneLedger_AndItsOptions()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var services = new ServiceCollection()
            .AddBulkSafety(o => o.MaxRowsPerUnitOfWork = 1)
            .AddDbContextFactory<IncidentContext>(o => o.UseSqlite(connection).UseBulkSafety())
            .BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<IncidentContext>>();
        using (var context = factory.CreateDbContext())
        {
            context.Database.EnsureCreated();
        }

        using var first = factory.CreateDbContext();
        using var second = factory.CreateDbContext();
        first.Groups.Add(new Group { Name = "one", Description = "" });
        first.SaveChanges();
        second.Groups.AddRange(new Group { Name = "two", Description = "" }, new Group { Name = "three", Description = "" });

        var report = second.EstimatePendingChanges();

        Assert.True(report.BytesInWindow > 0, "the second context sees what the first wrote");
        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, report.RuleId);
    }

    [Fact]
    public void ContextsWithoutDependencyInjection_RecordIntoTheDefaultLedger()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var options = new DbContextOptionsBuilder<IncidentContext>().UseSqlite(connection).UseBulkSafety().Options;
        using var context = new IncidentContext(options);
        context.Database.EnsureCreated();
        context.Groups.Add(new Group { Name = "default ledger", Description = new string('z', 3_000) });
        var bytes = context.EstimatePendingChanges().EstimatedBytes;

        context.SaveChanges();

        // Other tests use the default ledger too and their bytes expire after a minute of a long run, so a before/after
        // difference can shrink; this unit's own bytes stay in the default ledger's minute, and in the window this context reads.
        Assert.True(BulkSafetyLedger.Default.CommittedBytesInWindow >= bytes);
        context.Groups.Add(new Group { Name = "next", Description = "" });
        Assert.True(context.EstimatePendingChanges().BytesInWindow >= bytes, $"the window of this database holds the {bytes:N0} B committed");
    }
}
