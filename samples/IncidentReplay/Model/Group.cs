using System.ComponentModel.DataAnnotations;

namespace IncidentReplay.Model;

/// <summary>
/// A group as in the incident: a long description with no length limit, a cached HTML copy of it in the same row, and
/// counter caches plus an <c>UpdatedAt</c> that every child change rewrites.
/// </summary>
public sealed class Group
{
    public long Id { get; set; }

    [MaxLength(200)]
    public required string Name { get; set; }

    /// <summary>Unbounded text (LONGTEXT on MySQL): 5–50 KB in the spam groups.</summary>
    public required string Description { get; set; }

    /// <summary>The cached HTML rendering of <see cref="Description"/>, also unbounded.</summary>
    public string? DescriptionHtml { get; set; }

    public int PostsCount { get; set; }

    public int MembershipsCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<Post> Posts { get; } = [];

    public List<Membership> Memberships { get; } = [];
}
