using BulkSafety.Estimation;
using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Guard;

/// <summary>
/// What cannot be sized gets a conservative size, or blocks under <see cref="UnknownCostPolicy.Block"/>; an estimator
/// failure never escapes SaveChanges except as a violation. The unknown type is a PostgreSQL array (Npgsql maps it
/// natively; the estimator does not know its encoding). No server is needed: the guard decides before any connection,
/// and the port it would connect to is closed.
/// </summary>
public sealed class UnknownCostTests
{
    [Fact]
    public void UnknownType_IsSizedConservatively()
    {
        using var context = ArraysContext.Create(UnknownCostPolicy.AssumeConservative);
        context.Readings.Add(new Reading { Values = [1, 2, 3] });
        var withArray = context.EstimatePendingChanges();
        context.ChangeTracker.Clear();
        context.Readings.Add(new Reading { Values = null });
        var withNull = context.EstimatePendingChanges();

        Assert.Equal(["readings.Values"], withArray.UnknownColumns);
        Assert.Empty(withNull.UnknownColumns);
        Assert.Equal(4 + 8192, withArray.EstimatedBytes - withNull.EstimatedBytes - AnnotateDifference);
        Assert.Null(withArray.RuleId);
    }

    [Fact]
    public void UnknownType_UnderBlock_IsAViolationBeforeAnyConnection()
    {
        using var context = ArraysContext.Create(UnknownCostPolicy.Block);
        context.Readings.Add(new Reading { Values = [1] });

        var violation = Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());

        Assert.Equal(BulkSafetyRuleIds.UnknownCost, violation.Report.RuleId);
        Assert.Contains("readings.Values", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownType_UnderConservative_ReachesTheDatabase()
    {
        using var context = ArraysContext.Create(UnknownCostPolicy.AssumeConservative);
        context.Readings.Add(new Reading { Values = [1] });

        var error = Assert.ThrowsAny<Exception>(() => context.SaveChanges());

        Assert.IsNotType<BulkSafetyViolationException>(error);
    }

    [Theory]
    [InlineData(UnknownCostPolicy.AssumeConservative, false)]
    [InlineData(UnknownCostPolicy.Block, true)]
    public void FailingEstimator_IsHandledByPolicy(UnknownCostPolicy policy, bool blocked)
    {
        using var harness = new GuardHarness(o =>
        {
            o.Profile = new FailingProfile();
            o.OnUnknown = policy;
        });
        using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "x", Description = "" });

        var error = Record.Exception(() => context.SaveChanges());

        Assert.Equal(blocked, error is BulkSafetyViolationException { Report.RuleId: BulkSafetyRuleIds.UnknownCost });
        Assert.Equal(blocked, error is not null);
        Assert.Equal(blocked ? 0 : 1, harness.Count<Group>());
        var warning = Assert.Single(harness.Log.Entries, e => e.EventId.Id == GuardLog.EstimateFailedId);
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    // The inlined literal of the array value ("_binary''" + 8,192 conservative bytes) against "NULL" in the INSERT text.
    private const int AnnotateDifference = 8192 + 9 - 4;

    private sealed class FailingProfile() : ReplicationProfile("failing")
    {
        public override long EstimateRow(TableShape table, in RowChange change) => throw new InvalidOperationException("estimator bug");

        public override long EstimateTransactionOverhead(long statementBytes) => 0;
    }

    private sealed class Reading
    {
        public long Id { get; set; }

        public int[]? Values { get; set; }
    }

    private sealed class ArraysContext(DbContextOptions<ArraysContext> options) : DbContext(options)
    {
        public DbSet<Reading> Readings => Set<Reading>();

        public static ArraysContext Create(UnknownCostPolicy policy) => new(new DbContextOptionsBuilder<ArraysContext>()
            .UseNpgsql("Host=127.0.0.1;Port=1;Timeout=2")
            .UseBulkSafety(o =>
            {
                // The arithmetic of these tests is MySQL's row images (a PostgreSQL model holds the arrays).
                o.Profile = BulkSafety.Estimation.ReplicationProfile.MySqlRow();
                o.OnUnknown = policy;
            })
            .Options);

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Reading>().ToTable("readings");
    }
}
