using System.ComponentModel.DataAnnotations;

namespace Layered.Domain;

/// <summary>A forum group: a counter cache and a touched timestamp that each post keeps, and a long description.</summary>
public class Group
{
    public long Id { get; set; }

    [MaxLength(200)]
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public int PostsCount { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<Post> Posts { get; set; } = new();
}
