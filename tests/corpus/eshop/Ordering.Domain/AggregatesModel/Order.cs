using eShop.Ordering.Domain.SeedWork;

namespace eShop.Ordering.Domain.AggregatesModel;

public enum OrderStatus
{
    Submitted = 1,
    AwaitingValidation = 2,
    StockConfirmed = 3,
    Paid = 4,
    Shipped = 5,
    Cancelled = 6,
}

public class Order : Entity, IAggregateRoot
{
    private readonly List<OrderItem> _orderItems = new();

    protected Order()
    {
    }

    public Order(string userId, Address address, int? buyerId)
    {
        BuyerId = buyerId;
        OrderStatus = OrderStatus.Submitted;
        OrderDate = DateTime.UtcNow;
        Address = address;
        Description = $"Order placed by {userId}";
    }

    public DateTime OrderDate { get; private set; }
    public Address Address { get; private set; } = null!;
    public int? BuyerId { get; private set; }
    public Buyer? Buyer { get; }
    public OrderStatus OrderStatus { get; private set; }
    public string? Description { get; private set; }
    public int? PaymentId { get; private set; }
    public IReadOnlyCollection<OrderItem> OrderItems => _orderItems.AsReadOnly();

    public void AddOrderItem(int productId, string productName, decimal unitPrice, decimal discount, string pictureUrl, int units = 1)
    {
        var existing = _orderItems.SingleOrDefault(o => o.ProductId == productId);
        if (existing is not null)
        {
            existing.AddUnits(units);
            return;
        }

        _orderItems.Add(new OrderItem(productId, productName, unitPrice, discount, pictureUrl, units));
    }

    public void SetAwaitingValidationStatus()
    {
        if (OrderStatus == OrderStatus.Submitted)
        {
            OrderStatus = OrderStatus.AwaitingValidation;
        }
    }

    public void SetCancelledStatus()
    {
        if (OrderStatus is OrderStatus.Paid or OrderStatus.Shipped)
        {
            throw new InvalidOperationException($"Cannot cancel an order in status {OrderStatus}.");
        }

        OrderStatus = OrderStatus.Cancelled;
        Description = "The order was cancelled.";
    }

    public decimal GetTotal() => _orderItems.Sum(o => o.Units * o.UnitPrice);
}

public class OrderItem : Entity
{
    protected OrderItem()
    {
    }

    public OrderItem(int productId, string productName, decimal unitPrice, decimal discount, string pictureUrl, int units)
    {
        ProductId = productId;
        ProductName = productName;
        UnitPrice = unitPrice;
        Discount = discount;
        PictureUrl = pictureUrl;
        Units = units;
    }

    public string ProductName { get; private set; } = "";
    public string PictureUrl { get; private set; } = "";
    public decimal UnitPrice { get; private set; }
    public decimal Discount { get; private set; }
    public int Units { get; private set; }
    public int ProductId { get; private set; }

    public void AddUnits(int units) => Units += units;
}

public record Address(string Street, string City, string State, string Country, string ZipCode);

public interface IOrderRepository : IRepository<Order>
{
    Order Add(Order order);

    void Update(Order order);

    Task<Order?> GetAsync(int orderId);

    Task<List<Order>> GetSubmittedBeforeAsync(DateTime cutoff);
}
