using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using SimplCommerce.Infrastructure.Data;

namespace SimplCommerce.Module.Orders.Models;

public class Order : EntityBase
{
    public long CustomerId { get; set; }
    public DateTimeOffset CreatedOn { get; set; }
    public DateTimeOffset LatestUpdatedOn { get; set; }
    public decimal SubTotal { get; set; }

    [StringLength(450)]
    public string? ShippingMethod { get; set; }

    public string? OrderNote { get; set; }
    public IList<OrderItem> OrderItems { get; protected set; } = new List<OrderItem>();
}

public class OrderItem : EntityBase
{
    public long OrderId { get; set; }
    public Order Order { get; set; } = null!;
    public long ProductId { get; set; }
    public decimal ProductPrice { get; set; }
    public int Quantity { get; set; }
}

public class OrdersCustomModelBuilder : ICustomModelBuilder
{
    public void Build(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>()
            .HasMany(o => o.OrderItems)
            .WithOne(i => i.Order)
            .HasForeignKey(i => i.OrderId)
            .OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<Order>().Property(o => o.SubTotal).HasPrecision(18, 2);
    }
}
