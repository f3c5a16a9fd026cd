using Microsoft.eShopWeb.ApplicationCore.Entities;
using Microsoft.eShopWeb.ApplicationCore.Interfaces;

namespace Microsoft.eShopWeb.ApplicationCore.Services;

public class OrderService
{
    private readonly IRepository<Order> _orderRepository;
    private readonly IRepository<Basket> _basketRepository;
    private readonly IRepository<CatalogItem> _itemRepository;

    public OrderService(IRepository<Basket> basketRepository, IRepository<CatalogItem> itemRepository, IRepository<Order> orderRepository)
    {
        _orderRepository = orderRepository;
        _basketRepository = basketRepository;
        _itemRepository = itemRepository;
    }

    public async Task CreateOrderAsync(int basketId, Address shippingAddress)
    {
        var basket = await _basketRepository.FirstOrDefaultAsync(b => b.Id == basketId)
            ?? throw new InvalidOperationException($"No basket {basketId}.");
        var catalogItemIds = basket.Items.Select(i => i.CatalogItemId).ToList();
        var catalogItems = await _itemRepository.ListAsync(c => catalogItemIds.Contains(c.Id));

        var items = new List<OrderItem>();
        foreach (var basketItem in basket.Items)
        {
            var catalogItem = catalogItems.First(c => c.Id == basketItem.CatalogItemId);
            var itemOrdered = new CatalogItemOrdered(catalogItem.Id, catalogItem.Name, catalogItem.PictureUri);
            items.Add(new OrderItem(itemOrdered, basketItem.UnitPrice, basketItem.Quantity));
        }

        await _orderRepository.AddAsync(new Order(basket.BuyerId, shippingAddress, items));
    }
}
