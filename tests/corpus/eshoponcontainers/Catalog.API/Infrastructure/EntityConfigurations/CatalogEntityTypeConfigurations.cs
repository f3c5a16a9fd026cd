using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.eShopOnContainers.Services.Catalog.API.Model;

namespace Microsoft.eShopOnContainers.Services.Catalog.API.Infrastructure.EntityConfigurations;

internal class CatalogItemEntityTypeConfiguration : IEntityTypeConfiguration<CatalogItem>
{
    public void Configure(EntityTypeBuilder<CatalogItem> builder)
    {
        builder.ToTable("Catalog");
        builder.Property(ci => ci.Id).UseHiLo("catalog_hilo").IsRequired();
        builder.Property(ci => ci.Name).IsRequired(true).HasMaxLength(50);
        builder.Property(ci => ci.Price).IsRequired(true);
        builder.Property(ci => ci.PictureFileName).IsRequired(false);
        builder.HasOne(ci => ci.CatalogBrand).WithMany().HasForeignKey(ci => ci.CatalogBrandId);
        builder.HasOne(ci => ci.CatalogType).WithMany().HasForeignKey(ci => ci.CatalogTypeId);
    }
}

internal class CatalogBrandEntityTypeConfiguration : IEntityTypeConfiguration<CatalogBrand>
{
    public void Configure(EntityTypeBuilder<CatalogBrand> builder)
    {
        builder.ToTable("CatalogBrand");
        builder.Property(cb => cb.Id).UseHiLo("catalog_brand_hilo").IsRequired();
        builder.Property(cb => cb.Brand).IsRequired().HasMaxLength(100);
    }
}

internal class CatalogTypeEntityTypeConfiguration : IEntityTypeConfiguration<CatalogType>
{
    public void Configure(EntityTypeBuilder<CatalogType> builder)
    {
        builder.ToTable("CatalogType");
        builder.Property(cb => cb.Id).UseHiLo("catalog_type_hilo").IsRequired();
        builder.Property(cb => cb.Type).IsRequired().HasMaxLength(100);
    }
}
