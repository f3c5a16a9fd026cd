using System.ComponentModel.DataAnnotations;
using SimplCommerce.Infrastructure.Data;

namespace SimplCommerce.Module.Reviews.Models;

public enum ReviewStatus
{
    Pending = 1,
    Approved = 5,
    NotApproved = 8,
}

/// <summary>A review of any entity (product, vendor...), linked by EntityId and EntityTypeId, not by a foreign key.</summary>
public class Review : EntityBase
{
    public long UserId { get; set; }

    [StringLength(450)]
    public string Title { get; set; } = "";

    public string? Comment { get; set; }
    public int Rating { get; set; }

    [StringLength(450)]
    public string ReviewerName { get; set; } = "";

    public ReviewStatus Status { get; set; }
    public DateTimeOffset CreatedOn { get; set; }
    public long EntityTypeId { get; set; }
    public long EntityId { get; set; }
}
