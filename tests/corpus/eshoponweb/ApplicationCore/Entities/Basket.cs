namespace Microsoft.eShopWeb.ApplicationCore.Entities;

public class Basket : BaseEntity
{
    private readonly List<BasketItem> _items = new();

    public Basket(string buyerId) => BuyerId = buyerId;

    public string BuyerId { get; private set; }
    public DateTimeOffset LastModified { get; private set; }
    public IReadOnlyCollection<BasketItem> Items => _items.AsReadOnly();

    public void AddItem(int catalogItemId, decimal unitPrice, int quantity = 1)
    {
        var existing = _items.FirstOrDefault(i => i.CatalogItemId == catalogItemId);
        if (existing is null)
        {
            _items.Add(new BasketItem(catalogItemId, quantity, unitPrice));
        }
        else
        {
            existing.AddQuantity(quantity);
        }

        // Variant for the corpus: the basket is touched whenever one of its items changes.
        LastModified = DateTimeOffset.UtcNow;
    }

    public void RemoveEmptyItems() => _items.RemoveAll(i => i.Quantity == 0);

    public void SetNewBuyerId(string buyerId) => BuyerId = buyerId;
}

public class BasketItem : BaseEntity
{
    public BasketItem(int catalogItemId, int quantity, decimal unitPrice)
    {
        CatalogItemId = catalogItemId;
        Quantity = quantity;
        UnitPrice = unitPrice;
    }

    public decimal UnitPrice { get; private set; }
    public int Quantity { get; private set; }
    public int CatalogItemId { get; private set; }
    public int BasketId { get; private set; }

    public void AddQuantity(int quantity) => Quantity += quantity;

    public void SetQuantity(int quantity) => Quantity = quantity;
}
