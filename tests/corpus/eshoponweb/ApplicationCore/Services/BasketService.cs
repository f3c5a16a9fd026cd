using Microsoft.eShopWeb.ApplicationCore.Entities;
using Microsoft.eShopWeb.ApplicationCore.Interfaces;

namespace Microsoft.eShopWeb.ApplicationCore.Services;

public class BasketService
{
    private readonly IRepository<Basket> _basketRepository;

    public BasketService(IRepository<Basket> basketRepository) => _basketRepository = basketRepository;

    public async Task SetQuantities(int basketId, Dictionary<string, int> quantities)
    {
        var basket = await _basketRepository.FirstOrDefaultAsync(b => b.Id == basketId)
            ?? throw new InvalidOperationException($"No basket {basketId}.");
        foreach (var item in basket.Items)
        {
            if (quantities.TryGetValue(item.Id.ToString(), out var quantity))
            {
                item.SetQuantity(quantity);
            }
        }

        basket.RemoveEmptyItems();
        await _basketRepository.UpdateAsync(basket);
    }

    public async Task TransferBasketAsync(string anonymousId, string userName)
    {
        var anonymousBasket = await _basketRepository.FirstOrDefaultAsync(b => b.BuyerId == anonymousId);
        if (anonymousBasket is null)
        {
            return;
        }

        var userBasket = await _basketRepository.FirstOrDefaultAsync(b => b.BuyerId == userName);
        if (userBasket is null)
        {
            userBasket = new Basket(userName);
            await _basketRepository.AddAsync(userBasket);
        }

        foreach (var item in anonymousBasket.Items)
        {
            userBasket.AddItem(item.CatalogItemId, item.UnitPrice, item.Quantity);
        }

        await _basketRepository.UpdateAsync(userBasket);
        await _basketRepository.DeleteAsync(anonymousBasket);
    }

    public async Task DeleteBasketAsync(int basketId)
    {
        var basket = await _basketRepository.GetByIdAsync(basketId);
        if (basket is not null)
        {
            await _basketRepository.DeleteAsync(basket);
        }
    }

    /// <summary>Variant for the corpus: a cleanup job written against the generic repository.</summary>
    public async Task DeleteAnonymousBasketsAsync(string anonymousPrefix, CancellationToken cancellationToken)
    {
        var baskets = await _basketRepository.ListAsync(b => b.BuyerId.StartsWith(anonymousPrefix), cancellationToken);
        foreach (var basket in baskets)
        {
            await _basketRepository.DeleteAsync(basket, cancellationToken);
        }
    }

    /// <summary>Variant for the corpus: the same cleanup handed to the repository in one call.</summary>
    public async Task DeleteAnonymousBasketsAtOnceAsync(string anonymousPrefix, CancellationToken cancellationToken)
    {
        var baskets = await _basketRepository.ListAsync(b => b.BuyerId.StartsWith(anonymousPrefix), cancellationToken);
        await _basketRepository.DeleteRangeAsync(baskets, cancellationToken);
    }
}
