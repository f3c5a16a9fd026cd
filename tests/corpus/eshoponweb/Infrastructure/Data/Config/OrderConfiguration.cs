using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.eShopWeb.ApplicationCore.Entities;

namespace Microsoft.eShopWeb.Infrastructure.Data.Config;

public class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        var navigation = builder.Metadata.FindNavigation(nameof(Order.OrderItems));
        navigation!.SetPropertyAccessMode(PropertyAccessMode.Field);

        builder.Property(b => b.BuyerId).IsRequired().HasMaxLength(256);
        builder.OwnsOne(o => o.ShipToAddress, a =>
        {
            a.WithOwner();
            a.Property(a => a.ZipCode).HasMaxLength(18).IsRequired();
            a.Property(a => a.Street).HasMaxLength(180).IsRequired();
            a.Property(a => a.State).HasMaxLength(60);
            a.Property(a => a.Country).HasMaxLength(90).IsRequired();
            a.Property(a => a.City).HasMaxLength(100).IsRequired();
        });
        builder.Navigation(x => x.ShipToAddress).IsRequired();
    }
}

public class OrderItemConfiguration : IEntityTypeConfiguration<OrderItem>
{
    public void Configure(EntityTypeBuilder<OrderItem> builder)
    {
        builder.OwnsOne(i => i.ItemOrdered, io =>
        {
            io.WithOwner();
            io.Property(cio => cio.ProductName).HasMaxLength(50).IsRequired();
        });
        builder.Property(oi => oi.UnitPrice).IsRequired(true).HasColumnType("decimal(18,2)");
    }
}
