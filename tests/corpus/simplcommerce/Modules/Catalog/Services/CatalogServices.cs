using Microsoft.EntityFrameworkCore;
using SimplCommerce.Infrastructure.Data;
using SimplCommerce.Infrastructure.Events;
using SimplCommerce.Module.Catalog.Models;

namespace SimplCommerce.Module.Catalog.Services;

public class ReviewSummaryChangedHandler : INotificationHandler<ReviewSummaryChanged>
{
    private readonly IRepository<Product> _productRepository;

    public ReviewSummaryChangedHandler(IRepository<Product> productRepository) => _productRepository = productRepository;

    public async Task Handle(ReviewSummaryChanged notification, CancellationToken cancellationToken)
    {
        if (notification.EntityTypeId == 3)
        {
            var product = await _productRepository.Query().FirstAsync(x => x.Id == notification.EntityId, cancellationToken);
            product.ReviewsCount = notification.ReviewsCount;
            product.RatingAverage = notification.RatingAverage;
        }
    }
}

/// <summary>Variants for the corpus: catalog maintenance through the generic repository.</summary>
public class ProductService
{
    private readonly IRepository<Product> _productRepository;
    private readonly IRepository<ProductMedia> _mediaRepository;

    public ProductService(IRepository<Product> productRepository, IRepository<ProductMedia> mediaRepository)
    {
        _productRepository = productRepository;
        _mediaRepository = mediaRepository;
    }

    public void RemoveMedia(ProductMedia media)
    {
        media.Product.LatestUpdatedOn = DateTimeOffset.Now;
        _mediaRepository.Remove(media);
    }

    public void UnpublishCategory(long categoryId)
    {
        foreach (var product in _productRepository.Query().Where(p => p.CategoryId == categoryId))
        {
            product.IsPublished = false;
        }

        _productRepository.SaveChanges();
    }

    public async Task DeleteUncaptionedMedia(long productId)
    {
        var product = await _productRepository.Query().Include(p => p.Medias).FirstAsync(p => p.Id == productId);
        foreach (var media in product.Medias.Where(m => m.Caption == null).ToList())
        {
            RemoveMedia(media);
            await _mediaRepository.SaveChangesAsync();
        }
    }
}
