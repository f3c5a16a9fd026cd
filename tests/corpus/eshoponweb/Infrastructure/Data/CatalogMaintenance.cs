using Microsoft.EntityFrameworkCore;

namespace Microsoft.eShopWeb.Infrastructure.Data;

/// <summary>Variants for the corpus: admin maintenance written directly against the context.</summary>
public class CatalogMaintenance
{
    private readonly CatalogContext _db;

    public CatalogMaintenance(CatalogContext db) => _db = db;

    public async Task DiscontinueBrandAsync(int brandId, CancellationToken cancellationToken)
    {
        var items = await _db.CatalogItems.Where(i => i.CatalogBrandId == brandId).ToListAsync(cancellationToken);
        foreach (var item in items)
        {
            _db.CatalogItems.Remove(item);
        }

        await _db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemoveEmptyBasketItemsAsync(CancellationToken cancellationToken)
    {
        await _db.BasketItems.Where(i => i.Quantity == 0).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task RepriceFirstItemsAsync(IReadOnlyList<int> itemIds, decimal factor, CancellationToken cancellationToken)
    {
        foreach (var id in itemIds.Take(20))
        {
            var item = await _db.CatalogItems.FindAsync([id], cancellationToken);
            item?.UpdateDetails(item.Name, item.Description, item.Price * factor);
            await _db.SaveChangesAsync(cancellationToken);
        }
    }
}
