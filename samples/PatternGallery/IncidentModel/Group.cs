using System.ComponentModel.DataAnnotations;

namespace PatternGallery.IncidentModel;

/// <summary>
/// The incident's wide parent row: a 5-50 KB description plus a cached HTML copy of it in the same row, a counter cache
/// of its posts and a timestamp every post touches. The build shows BS3001 on Description and DescriptionHtml and
/// BS2001 on the relationships whose dependents rewrite this row.
/// </summary>
public class Group
{
    public long Id { get; set; }

    [MaxLength(200)]
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public string? DescriptionHtml { get; set; }

    public int PostsCount { get; set; }

    public int MembershipsCount { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<Post> Posts { get; set; } = new();

    public List<Membership> Memberships { get; set; } = new();
}
