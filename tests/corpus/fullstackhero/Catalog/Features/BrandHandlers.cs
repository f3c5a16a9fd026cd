using FSH.Starter.WebApi.Catalog.Domain;
using FSH.Starter.WebApi.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FSH.Starter.WebApi.Catalog.Features;

public sealed class DeleteBrandHandler(CatalogDbContext db)
{
    public async Task Handle(Guid id, CancellationToken cancellationToken)
    {
        var brand = await db.Brands.FindAsync([id], cancellationToken) ?? throw new KeyNotFoundException($"brand {id} not found");
        db.Brands.Remove(brand);
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Variants for the corpus: bulk catalog operations written the way the starter kit's handlers are.</summary>
public sealed class CatalogBulkHandlers(CatalogDbContext db)
{
    public async Task MergeBrands(Guid fromBrandId, Guid toBrandId, CancellationToken cancellationToken)
    {
        await foreach (var product in db.Products.Where(p => p.BrandId == fromBrandId).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            product.Rebrand(toBrandId);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SoftDeleteBrandProducts(Guid brandId, CancellationToken cancellationToken)
    {
        await foreach (var product in db.Products.Where(p => p.BrandId == brandId).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            product.IsDeleted = true;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task ImportBrands(IReadOnlyList<(string Name, string? Description)> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(500))
        {
            db.Brands.AddRange(chunk.Select(r => Brand.Create(r.Name, r.Description)));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task PurgeDeletedProducts(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await db.Products.Where(p => p.IsDeleted).OrderBy(p => p.Id).Take(500).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            db.Products.RemoveRange(batch);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task DeleteSelectedProducts(Guid[] ids, CancellationToken cancellationToken)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            var product = await db.Products.FindAsync([ids[i]], cancellationToken);
            if (product is not null)
            {
                db.Products.Remove(product);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task ResetDemoBrands(CancellationToken cancellationToken)
    {
        var demoIds = new[]
        {
            Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
            Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
        };
        foreach (var brand in db.Brands.Where(b => demoIds.Contains(b.Id)))
        {
            db.Brands.Remove(brand);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
