using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using SimplCommerce.Infrastructure.Data;

namespace SimplCommerce.Module.ShoppingCart.Models;

public class Cart : EntityBase
{
    public long CustomerId { get; set; }
    public DateTimeOffset CreatedOn { get; set; }
    public DateTimeOffset LatestUpdatedOn { get; set; }

    [StringLength(450)]
    public string? CouponCode { get; set; }

    /// <summary>The shipping form, serialized as JSON.</summary>
    public string? ShippingData { get; set; }

    public IList<CartItem> Items { get; set; } = new List<CartItem>();
}

public class CartItem : EntityBase
{
    public long CartId { get; set; }
    public Cart Cart { get; set; } = null!;
    public long ProductId { get; set; }
    public int Quantity { get; set; }
}

public class ShoppingCartCustomModelBuilder : ICustomModelBuilder
{
    public void Build(ModelBuilder modelBuilder)
        => modelBuilder.Entity<CartItem>().HasOne(i => i.Cart).WithMany(c => c.Items).HasForeignKey(i => i.CartId);
}
