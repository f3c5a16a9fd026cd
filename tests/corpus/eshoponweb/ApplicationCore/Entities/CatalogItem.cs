namespace Microsoft.eShopWeb.ApplicationCore.Entities;

public class CatalogItem : BaseEntity
{
    public CatalogItem(int catalogTypeId, int catalogBrandId, string description, string name, decimal price, string pictureUri)
    {
        CatalogTypeId = catalogTypeId;
        CatalogBrandId = catalogBrandId;
        Description = description;
        Name = name;
        Price = price;
        PictureUri = pictureUri;
    }

    public string Name { get; private set; }
    public string Description { get; private set; }
    public decimal Price { get; private set; }
    public string PictureUri { get; private set; }
    public int CatalogTypeId { get; private set; }
    public CatalogType? CatalogType { get; private set; }
    public int CatalogBrandId { get; private set; }
    public CatalogBrand? CatalogBrand { get; private set; }

    public void UpdateDetails(string name, string description, decimal price)
    {
        Name = name;
        Description = description;
        Price = price;
    }
}

public class CatalogBrand : BaseEntity
{
    public CatalogBrand(string brand) => Brand = brand;

    public string Brand { get; private set; }
}

public class CatalogType : BaseEntity
{
    public CatalogType(string type) => Type = type;

    public string Type { get; private set; }
}
