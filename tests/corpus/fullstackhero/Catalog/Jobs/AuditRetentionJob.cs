using FSH.Starter.WebApi.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FSH.Starter.WebApi.Catalog.Jobs;

/// <summary>Variant for the corpus: a background job that trims the audit trail every hour.</summary>
public sealed class AuditRetentionJob(CatalogDbContext db)
{
    public async Task RunAsync(TimeSpan retention, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var cutoff = DateTimeOffset.UtcNow - retention;
            await db.AuditTrails.Where(a => a.DateTime < cutoff).ExecuteDeleteAsync(stoppingToken);
            await db.SaveChangesAsync(stoppingToken);
            await Task.Delay(TimeSpan.FromHours(1), stoppingToken);
        }
    }

    public async Task TrimOneByOne(TimeSpan retention, CancellationToken stoppingToken)
    {
        var cutoff = DateTimeOffset.UtcNow - retention;
        foreach (var trail in await db.AuditTrails.Where(a => a.DateTime < cutoff).ToListAsync(stoppingToken))
        {
            db.AuditTrails.Remove(trail);
        }

        await db.SaveChangesAsync(stoppingToken);
    }
}
