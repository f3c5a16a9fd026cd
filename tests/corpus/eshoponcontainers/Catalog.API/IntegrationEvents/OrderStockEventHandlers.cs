using Microsoft.eShopOnContainers.Services.Catalog.API.Infrastructure;

namespace Microsoft.eShopOnContainers.Services.Catalog.API.IntegrationEvents;

public record OrderStockItem(int ProductId, int Units);

public record OrderStatusChangedToPaidIntegrationEvent(int OrderId, IEnumerable<OrderStockItem> OrderStockItems);

public record OrderStatusChangedToAwaitingValidationIntegrationEvent(int OrderId, IEnumerable<OrderStockItem> OrderStockItems);

public class OrderStatusChangedToPaidIntegrationEventHandler
{
    private readonly CatalogContext _catalogContext;

    public OrderStatusChangedToPaidIntegrationEventHandler(CatalogContext catalogContext) => _catalogContext = catalogContext;

    public async Task Handle(OrderStatusChangedToPaidIntegrationEvent @event)
    {
        // We're not blocking stock/inventory.
        foreach (var orderStockItem in @event.OrderStockItems)
        {
            var catalogItem = _catalogContext.CatalogItems.Find(orderStockItem.ProductId);
            catalogItem!.RemoveStock(orderStockItem.Units);
        }

        await _catalogContext.SaveChangesAsync();
    }
}

public class OrderStatusChangedToAwaitingValidationIntegrationEventHandler
{
    private readonly CatalogContext _catalogContext;

    public OrderStatusChangedToAwaitingValidationIntegrationEventHandler(CatalogContext catalogContext) => _catalogContext = catalogContext;

    public Task<bool> Handle(OrderStatusChangedToAwaitingValidationIntegrationEvent @event)
    {
        var confirmed = true;
        foreach (var orderStockItem in @event.OrderStockItems)
        {
            var catalogItem = _catalogContext.CatalogItems.Find(orderStockItem.ProductId);
            confirmed &= catalogItem is not null && catalogItem.AvailableStock >= orderStockItem.Units;
        }

        return Task.FromResult(confirmed);
    }
}
