using Microsoft.EntityFrameworkCore;
using Microsoft.eShopWeb.ApplicationCore.Entities;

namespace Microsoft.eShopWeb.Infrastructure.Data;

public static class CatalogContextSeed
{
    public static async Task SeedAsync(CatalogContext catalogContext, int retry = 0)
    {
        try
        {
            if (!await catalogContext.CatalogBrands.AnyAsync())
            {
                await catalogContext.CatalogBrands.AddRangeAsync(GetPreconfiguredCatalogBrands());
                await catalogContext.SaveChangesAsync();
            }

            if (!await catalogContext.CatalogTypes.AnyAsync())
            {
                await catalogContext.CatalogTypes.AddRangeAsync(GetPreconfiguredCatalogTypes());
                await catalogContext.SaveChangesAsync();
            }

            if (!await catalogContext.CatalogItems.AnyAsync())
            {
                foreach (var item in GetPreconfiguredItems())
                {
                    catalogContext.CatalogItems.Add(item);
                }

                await catalogContext.SaveChangesAsync();
            }
        }
        catch (DbUpdateException) when (retry < 10)
        {
            await SeedAsync(catalogContext, retry + 1);
        }
    }

    private static IEnumerable<CatalogBrand> GetPreconfiguredCatalogBrands()
        => [new("Azure"), new(".NET"), new("Visual Studio"), new("SQL Server"), new("Other")];

    private static IEnumerable<CatalogType> GetPreconfiguredCatalogTypes()
        => [new("Mug"), new("T-Shirt"), new("Sheet"), new("USB Memory Stick")];

    private static IEnumerable<CatalogItem> GetPreconfiguredItems()
        =>
        [
            new(2, 2, ".NET Bot Black Sweatshirt", ".NET Bot Black Sweatshirt", 19.5M, "http://catalogbaseurltobereplaced/images/products/1.png"),
            new(1, 2, ".NET Black & White Mug", ".NET Black & White Mug", 8.50M, "http://catalogbaseurltobereplaced/images/products/2.png"),
            new(2, 5, "Prism White T-Shirt", "Prism White T-Shirt", 12, "http://catalogbaseurltobereplaced/images/products/3.png"),
        ];
}
