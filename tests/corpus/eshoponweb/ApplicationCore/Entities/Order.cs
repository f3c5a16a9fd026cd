namespace Microsoft.eShopWeb.ApplicationCore.Entities;

public class Order : BaseEntity
{
    private readonly List<OrderItem> _orderItems = new();

    private Order()
    {
        BuyerId = "";
        ShipToAddress = new Address("", "", "", "", "");
    }

    public Order(string buyerId, Address shipToAddress, List<OrderItem> items)
    {
        BuyerId = buyerId;
        ShipToAddress = shipToAddress;
        _orderItems = items;
    }

    public string BuyerId { get; private set; }
    public DateTimeOffset OrderDate { get; private set; } = DateTimeOffset.Now;
    public Address ShipToAddress { get; private set; }
    public IReadOnlyCollection<OrderItem> OrderItems => _orderItems.AsReadOnly();

    public decimal Total() => _orderItems.Sum(i => i.UnitPrice * i.Units);
}

public class OrderItem : BaseEntity
{
    private OrderItem()
    {
        ItemOrdered = new CatalogItemOrdered(0, "", "");
    }

    public OrderItem(CatalogItemOrdered itemOrdered, decimal unitPrice, int units)
    {
        ItemOrdered = itemOrdered;
        UnitPrice = unitPrice;
        Units = units;
    }

    public CatalogItemOrdered ItemOrdered { get; private set; }
    public decimal UnitPrice { get; private set; }
    public int Units { get; private set; }
}

/// <summary>A snapshot of the catalog item at ordering time (owned by the order item).</summary>
public class CatalogItemOrdered
{
    public CatalogItemOrdered(int catalogItemId, string productName, string pictureUri)
    {
        CatalogItemId = catalogItemId;
        ProductName = productName;
        PictureUri = pictureUri;
    }

    public int CatalogItemId { get; private set; }
    public string ProductName { get; private set; }
    public string PictureUri { get; private set; }
}

public class Address
{
    public Address(string street, string city, string state, string country, string zipcode)
    {
        Street = street;
        City = city;
        State = state;
        Country = country;
        ZipCode = zipcode;
    }

    public string Street { get; private set; }
    public string City { get; private set; }
    public string State { get; private set; }
    public string Country { get; private set; }
    public string ZipCode { get; private set; }
}
