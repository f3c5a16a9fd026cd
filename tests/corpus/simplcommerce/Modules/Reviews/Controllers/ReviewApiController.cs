using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using SimplCommerce.Infrastructure.Data;
using SimplCommerce.Infrastructure.Events;
using SimplCommerce.Module.Reviews.Models;

namespace SimplCommerce.Module.Reviews.Controllers;

[Area("Reviews")]
[Authorize(Roles = "admin")]
[Route("api/reviews")]
public class ReviewApiController : Controller
{
    private readonly IRepository<Review> _reviewRepository;
    private readonly IMediator _mediator;

    public ReviewApiController(IRepository<Review> reviewRepository, IMediator mediator)
    {
        _reviewRepository = reviewRepository;
        _mediator = mediator;
    }

    [HttpPost("change-status/{id}")]
    public async Task<IActionResult> ChangeStatus(long id, [FromBody] int statusId)
    {
        var review = _reviewRepository.Query().FirstOrDefault(x => x.Id == id);
        if (review is null)
        {
            return NotFound();
        }

        if (!Enum.IsDefined(typeof(ReviewStatus), statusId))
        {
            return BadRequest(new { Error = "unsupported order status" });
        }

        review.Status = (ReviewStatus)statusId;
        _reviewRepository.SaveChanges();

        var ratings = _reviewRepository.Query()
            .Where(x => x.EntityId == review.EntityId && x.EntityTypeId == review.EntityTypeId && x.Status == ReviewStatus.Approved);
        var reviewSummary = new ReviewSummaryChanged
        {
            EntityId = review.EntityId,
            EntityTypeId = review.EntityTypeId,
            ReviewsCount = ratings.Count(),
        };
        if (reviewSummary.ReviewsCount > 0)
        {
            var grouped = ratings.GroupBy(x => x.Rating).Select(x => new { Rating = x.Key, Count = x.Count() }).ToList();
            reviewSummary.RatingAverage = grouped.Sum(x => x.Rating * x.Count) / (double)reviewSummary.ReviewsCount;
        }

        await _mediator.Publish(reviewSummary);
        await _reviewRepository.SaveChangesAsync();
        return Accepted();
    }

    /// <summary>Variant for the corpus: bulk rejection of the reviews an admin ticked.</summary>
    [HttpPost("reject")]
    public IActionResult Reject([FromBody] long[] ids)
    {
        foreach (var review in _reviewRepository.Query().Where(r => ids.Contains(r.Id)))
        {
            review.Status = ReviewStatus.NotApproved;
            _reviewRepository.SaveChanges();
        }

        return Accepted();
    }
}
