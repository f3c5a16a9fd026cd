using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Calibration;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>One SaveChanges of an EF workload: the guard's estimate right before it and the binlog it wrote.</summary>
internal sealed record SavedTransaction(Accuracy Accuracy, BinlogMeasurement Measured)
{
    /// <summary>Within ±<paramref name="tolerance"/> of the measured bytes or ±<paramref name="toleranceBytes"/>, whichever is larger.</summary>
    public bool IsWithin(double tolerance, int toleranceBytes) =>
        Math.Abs(Accuracy.Predicted - Accuracy.Measured) <= Math.Max(toleranceBytes, tolerance * Accuracy.Measured);
}

/// <summary>
/// The catalog's workloads as an EF application writes them (<see cref="CatalogChanges"/>) through Pomelo; in the cascade,
/// InnoDB deletes the posts and memberships EF does not track. Each SaveChanges is estimated with <see cref="BulkSafetyDbContextExtensions.EstimatePendingChanges"/> right before it
/// runs and measured on its own.
/// </summary>
internal static class EfCatalogWorkload
{
    private static DateTime Now => DateTime.UtcNow;

    /// <summary>
    /// Builds the catalog's tables and rows for <paramref name="shape"/> through the <c>mariadb</c> client (the insert goes
    /// into populated tables), then runs the EF version of the workload on a context guarded with <paramref name="profile"/>
    /// (Warn mode: nothing is refused). The server's global binlog settings apply: every connection is a new session.
    /// </summary>
    public static async Task<IReadOnlyList<SavedTransaction>> RunAsync(MariaDbFixture fixture, WorkloadShape shape, TextSize text, ReplicationProfile profile)
    {
        var workload = IncidentWorkloads.ForMariaDb(shape == WorkloadShape.InsertGroup ? WorkloadShape.DeleteGroup : shape, text);
        await fixture.Meter.MeasureAsync(workload with { Warmup = [], Measured = [] }, BinlogSettings.Default);
        await using var context = CatalogDbContext.Create(fixture.Server, workload.Schema, o =>
        {
            o.Profile = profile;
            o.Mode = BulkSafetyMode.Warn;
        });
        var group = shape == WorkloadShape.InsertGroup ? null : await context.Groups.SingleAsync(g => g.Id == IncidentWorkloads.GroupId);
        var posts = shape is WorkloadShape.DeleteChild or WorkloadShape.PerChildLoop or WorkloadShape.SetBased
            ? await context.Posts.Where(p => p.GroupId == IncidentWorkloads.GroupId).OrderBy(p => p.Id).ToListAsync()
            : [];
        var transactions = new List<SavedTransaction>();
        foreach (var change in CatalogChanges.For(context, shape, text, group, posts, () => Now))
        {
            change();
            var estimated = context.EstimatePendingChanges().EstimatedBytes;
            var measured = await fixture.Meter.MeasureAsync(token => context.SaveChangesAsync(token));
            transactions.Add(new SavedTransaction(new Accuracy(estimated, measured.Bytes), measured));
        }

        return transactions;
    }

    /// <summary>The sum over <paramref name="transactions"/>.</summary>
    public static Accuracy Sum(IEnumerable<SavedTransaction> transactions) =>
        transactions.Aggregate(new Accuracy(0, 0), (sum, t) => new Accuracy(sum.Predicted + t.Accuracy.Predicted, sum.Measured + t.Accuracy.Measured));
}
