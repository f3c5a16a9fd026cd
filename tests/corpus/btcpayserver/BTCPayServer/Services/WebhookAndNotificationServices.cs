using BTCPayServer.Data;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Services;

public class NotificationManager
{
    private readonly ApplicationDbContextFactory _factory;

    public NotificationManager(ApplicationDbContextFactory factory) => _factory = factory;

    public async Task ToggleSeen(string userId, string[]? ids, bool seen)
    {
        await using var ctx = _factory.CreateContext();
        var query = ctx.Notifications.Where(n => n.ApplicationUserId == userId);
        if (ids is not null)
        {
            query = query.Where(n => ids.Contains(n.Id));
        }

        foreach (var notification in await query.ToListAsync())
        {
            notification.Seen = seen;
        }

        await ctx.SaveChangesAsync();
    }

    public async Task Remove(string userId, string[] ids)
    {
        await using var ctx = _factory.CreateContext();
        var notifications = await ctx.Notifications.Where(n => n.ApplicationUserId == userId && ids.Contains(n.Id)).ToListAsync();
        ctx.Notifications.RemoveRange(notifications);
        await ctx.SaveChangesAsync();
    }
}

public class WebhookMaintenance
{
    private readonly ApplicationDbContextFactory _factory;

    public WebhookMaintenance(ApplicationDbContextFactory factory) => _factory = factory;

    public async Task PruneDeliveries(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var ctx = _factory.CreateContext();
        await ctx.WebhookDeliveries.Where(d => d.Timestamp < olderThan).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task PruneBlobs(string webhookId, CancellationToken cancellationToken)
    {
        await using var ctx = _factory.CreateContext();
        var deliveries = await ctx.WebhookDeliveries.Where(d => d.WebhookId == webhookId && !d.Pruned).ToListAsync(cancellationToken);
        foreach (var delivery in deliveries)
        {
            delivery.Blob = null;
            delivery.Pruned = true;
        }

        await ctx.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteWebhooksOfStore(string storeId, CancellationToken cancellationToken)
    {
        await using var ctx = _factory.CreateContext();
        var webhooks = await ctx.Webhooks.Where(w => w.StoreId == storeId).ToListAsync(cancellationToken);
        foreach (var webhook in webhooks)
        {
            ctx.Webhooks.Remove(webhook);
            await ctx.SaveChangesAsync(cancellationToken);
        }
    }
}
