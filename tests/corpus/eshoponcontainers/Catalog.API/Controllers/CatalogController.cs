using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.eShopOnContainers.Services.Catalog.API.Infrastructure;
using Microsoft.eShopOnContainers.Services.Catalog.API.Model;

namespace Microsoft.eShopOnContainers.Services.Catalog.API.Controllers;

[Route("api/v1/[controller]")]
[ApiController]
public class CatalogController : ControllerBase
{
    private readonly CatalogContext _catalogContext;

    public CatalogController(CatalogContext context) => _catalogContext = context;

    [HttpDelete("{id}")]
    public async Task<ActionResult> DeleteProductAsync(int id)
    {
        var product = _catalogContext.CatalogItems.SingleOrDefault(x => x.Id == id);
        if (product is null)
        {
            return NotFound();
        }

        _catalogContext.CatalogItems.Remove(product);
        await _catalogContext.SaveChangesAsync();
        return NoContent();
    }

    [HttpPut("items")]
    public async Task<ActionResult> UpdateProductAsync([FromBody] CatalogItem productToUpdate)
    {
        var catalogItem = await _catalogContext.CatalogItems.SingleOrDefaultAsync(i => i.Id == productToUpdate.Id);
        if (catalogItem is null)
        {
            return NotFound();
        }

        catalogItem.Name = productToUpdate.Name;
        catalogItem.Price = productToUpdate.Price;
        catalogItem.Description = productToUpdate.Description;
        await _catalogContext.SaveChangesAsync();
        return Ok();
    }

    /// <summary>Variant for the corpus: an admin action that empties a brand's stock.</summary>
    [HttpPost("brands/{brandId}/clear-stock")]
    public async Task<ActionResult> ClearBrandStockAsync(int brandId)
    {
        foreach (var item in _catalogContext.CatalogItems.Where(i => i.CatalogBrandId == brandId))
        {
            item.AvailableStock = 0;
            item.OnReorder = false;
        }

        await _catalogContext.SaveChangesAsync();
        return NoContent();
    }

    /// <summary>Variant for the corpus: deleting a brand deletes its items one by one first.</summary>
    [HttpDelete("brands/{brandId}")]
    public async Task<ActionResult> DeleteBrandAsync(int brandId)
    {
        var items = await _catalogContext.CatalogItems.Where(i => i.CatalogBrandId == brandId).ToListAsync();
        foreach (var item in items)
        {
            _catalogContext.CatalogItems.Remove(item);
        }

        var brand = await _catalogContext.CatalogBrands.FindAsync(brandId);
        if (brand is not null)
        {
            _catalogContext.CatalogBrands.Remove(brand);
        }

        await _catalogContext.SaveChangesAsync();
        return NoContent();
    }

    /// <summary>Variant for the corpus: a price change for the items an admin ticked, with one save per item.</summary>
    [HttpPost("items/reprice")]
    public async Task<ActionResult> RepriceAsync([FromBody] int[] ids, decimal factor)
    {
        foreach (var id in ids)
        {
            var item = await _catalogContext.CatalogItems.FindAsync(id);
            if (item is not null)
            {
                item.Price *= factor;
                await _catalogContext.SaveChangesAsync();
            }
        }

        return Ok();
    }

    /// <summary>Variant for the corpus: the restock flag is set in the database, set-based.</summary>
    [HttpPost("items/reorder")]
    public async Task<ActionResult> MarkForReorderAsync()
    {
        await _catalogContext.CatalogItems
            .Where(i => i.AvailableStock <= i.RestockThreshold)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.OnReorder, true));
        return Ok();
    }
}
