using eShop.Ordering.Domain.AggregatesModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace eShop.Ordering.Infrastructure.EntityConfigurations;

internal class OrderEntityTypeConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> orderConfiguration)
    {
        orderConfiguration.ToTable("orders");
        orderConfiguration.Ignore(b => b.DomainEvents);
        orderConfiguration.Property(o => o.Id).UseHiLo("orderseq");

        // Address value object persisted as owned entity type, in the orders table.
        orderConfiguration.OwnsOne(o => o.Address);

        orderConfiguration.Property(o => o.OrderStatus).HasConversion<string>().HasMaxLength(30);
        orderConfiguration.HasOne(o => o.Buyer).WithMany().HasForeignKey(o => o.BuyerId);
    }
}

internal class OrderItemEntityTypeConfiguration : IEntityTypeConfiguration<OrderItem>
{
    public void Configure(EntityTypeBuilder<OrderItem> orderItemConfiguration)
    {
        orderItemConfiguration.ToTable("orderItems");
        orderItemConfiguration.Ignore(b => b.DomainEvents);
        orderItemConfiguration.Property(o => o.Id).UseHiLo("orderitemseq");
        orderItemConfiguration.Property<int>("OrderId");
    }
}

internal class BuyerEntityTypeConfiguration : IEntityTypeConfiguration<Buyer>
{
    public void Configure(EntityTypeBuilder<Buyer> buyerConfiguration)
    {
        buyerConfiguration.ToTable("buyers");
        buyerConfiguration.Ignore(b => b.DomainEvents);
        buyerConfiguration.Property(b => b.Id).UseHiLo("buyerseq");
        buyerConfiguration.Property(b => b.IdentityGuid).HasMaxLength(200);
        buyerConfiguration.HasIndex("IdentityGuid").IsUnique(true);
        buyerConfiguration.HasMany(b => b.PaymentMethods).WithOne();
    }
}

internal class PaymentMethodEntityTypeConfiguration : IEntityTypeConfiguration<PaymentMethod>
{
    public void Configure(EntityTypeBuilder<PaymentMethod> paymentConfiguration)
    {
        paymentConfiguration.ToTable("paymentmethods");
        paymentConfiguration.Ignore(b => b.DomainEvents);
        paymentConfiguration.Property(b => b.Id).UseHiLo("paymentseq");
        paymentConfiguration.Property<int>("BuyerId");
        paymentConfiguration.Property(b => b.CardHolderName).HasMaxLength(200);
        paymentConfiguration.Property(b => b.Alias).HasMaxLength(200);
        paymentConfiguration.Property(b => b.CardNumber).HasMaxLength(25).IsRequired();
        paymentConfiguration.HasOne(p => p.CardType).WithMany().HasForeignKey(p => p.CardTypeId);
    }
}

internal class CardTypeEntityTypeConfiguration : IEntityTypeConfiguration<CardType>
{
    public void Configure(EntityTypeBuilder<CardType> cardTypesConfiguration)
    {
        cardTypesConfiguration.ToTable("cardtypes");
        cardTypesConfiguration.Property(ct => ct.Id).ValueGeneratedNever();
        cardTypesConfiguration.Property(ct => ct.Name).HasMaxLength(200);
    }
}
