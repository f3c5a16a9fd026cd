using SimplCommerce.Infrastructure.Data;
using SimplCommerce.Module.Orders.Models;

namespace SimplCommerce.Module.Orders.Services;

/// <summary>Variants for the corpus: order edits that keep the order's subtotal and update time current.</summary>
public class OrderService
{
    private readonly IRepository<Order> _orderRepository;
    private readonly IRepository<OrderItem> _orderItemRepository;

    public OrderService(IRepository<Order> orderRepository, IRepository<OrderItem> orderItemRepository)
    {
        _orderRepository = orderRepository;
        _orderItemRepository = orderItemRepository;
    }

    public void RemoveItem(OrderItem item)
    {
        item.Order.SubTotal -= item.ProductPrice * item.Quantity;
        item.Order.LatestUpdatedOn = DateTimeOffset.Now;
        _orderItemRepository.Remove(item);
    }

    public void RemoveProductFromOrder(Order order, long productId)
    {
        foreach (var item in order.OrderItems.Where(i => i.ProductId == productId).ToList())
        {
            RemoveItem(item);
            _orderRepository.SaveChanges();
        }
    }

    public void RemoveProductFromOrderOnce(Order order, long productId)
    {
        foreach (var item in order.OrderItems.Where(i => i.ProductId == productId).ToList())
        {
            RemoveItem(item);
        }

        _orderRepository.SaveChanges();
    }
}
