using Microsoft.EntityFrameworkCore;
using SimplCommerce.Infrastructure.Data;
using SimplCommerce.Module.Catalog.Models;

namespace SimplCommerce.Module.Catalog;

public class CatalogCustomModelBuilder : ICustomModelBuilder
{
    public void Build(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Product>().Property(p => p.Price).HasPrecision(18, 2);
        modelBuilder.Entity<ProductMedia>()
            .HasOne(m => m.Product)
            .WithMany(p => p.Medias)
            .HasForeignKey(m => m.ProductId);
    }
}
