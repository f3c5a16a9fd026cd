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
        var before = BulkSafetyLedger.Default.CommittedBytesInWindow;

        context.SaveChanges();

        // Other tests may use the default ledger too, but nothing removes bytes within the minute.
        Assert.True(BulkSafetyLedger.Default.CommittedBytesInWindow >= before + bytes);
    }
}
