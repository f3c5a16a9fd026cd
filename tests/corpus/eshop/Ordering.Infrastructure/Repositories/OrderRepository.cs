using eShop.Ordering.Domain.AggregatesModel;
using eShop.Ordering.Domain.SeedWork;
using Microsoft.EntityFrameworkCore;

namespace eShop.Ordering.Infrastructure.Repositories;

public class OrderRepository : IOrderRepository
{
    private readonly OrderingContext _context;

    public OrderRepository(OrderingContext context) => _context = context;

    public IUnitOfWork UnitOfWork => _context;

    public Order Add(Order order) => _context.Orders.Add(order).Entity;

    public async Task<Order?> GetAsync(int orderId)
    {
        var order = await _context.Orders.FindAsync(orderId);
        if (order is not null)
        {
            await _context.Entry(order).Collection(i => i.OrderItems).LoadAsync();
        }

        return order;
    }

    public Task<List<Order>> GetSubmittedBeforeAsync(DateTime cutoff)
        => _context.Orders.Where(o => o.OrderStatus == OrderStatus.Submitted && o.OrderDate < cutoff).ToListAsync();

    public void Update(Order order) => _context.Entry(order).State = EntityState.Modified;
}
