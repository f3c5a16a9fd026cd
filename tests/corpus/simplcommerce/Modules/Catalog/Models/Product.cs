using System.ComponentModel.DataAnnotations;
using SimplCommerce.Infrastructure.Data;

namespace SimplCommerce.Module.Catalog.Models;

public class Product : EntityBase
{
    [Required]
    [StringLength(450)]
    public string Name { get; set; } = "";

    [StringLength(450)]
    public string Slug { get; set; } = "";

    public string? ShortDescription { get; set; }
    public string? Description { get; set; }
    public string? Specification { get; set; }
    public decimal Price { get; set; }
    public bool IsPublished { get; set; }
    public long? CategoryId { get; set; }
    public int ReviewsCount { get; set; }
    public double? RatingAverage { get; set; }
    public DateTimeOffset LatestUpdatedOn { get; set; }
    public IList<ProductMedia> Medias { get; protected set; } = new List<ProductMedia>();

    public void AddMedia(ProductMedia media)
    {
        media.Product = this;
        Medias.Add(media);
    }
}

public class ProductMedia : EntityBase
{
    public long ProductId { get; set; }
    public Product Product { get; set; } = null!;
    public string? Caption { get; set; }

    [StringLength(450)]
    public string FileName { get; set; } = "";

    public int DisplayOrder { get; set; }
}
