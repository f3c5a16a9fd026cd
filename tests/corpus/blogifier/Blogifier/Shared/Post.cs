using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using Blogifier.Data;
using Blogifier.Identity;

namespace Blogifier.Shared;

public enum PostType
{
    Post,
    Page,
}

public enum PostState
{
    Draft,
    Release,
}

public class Post : AppEntity<int>
{
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    [StringLength(128)]
    public string UserId { get; set; } = default!;

    public UserInfo User { get; set; } = default!;

    [Required]
    [StringLength(160)]
    public string Title { get; set; } = default!;

    [Required]
    [StringLength(160)]
    public string Slug { get; set; } = default!;

    [Required]
    [StringLength(450)]
    public string Description { get; set; } = default!;

    public string Content { get; set; } = default!;

    [StringLength(160)]
    public string? Cover { get; set; }

    public int Views { get; set; }
    public DateTime? PublishedAt { get; set; }
    public PostType PostType { get; set; }
    public PostState State { get; set; }

    [NotMapped]
    public string? RenderedContent { get; set; }

    public string ReadingTime => $"{Content.Length / 1500 + 1} min";

    public List<PostCategory>? PostCategories { get; set; }
}

public class Category : AppEntity<int>
{
    public DateTime CreatedAt { get; set; }

    [StringLength(120)]
    public string Content { get; set; } = default!;

    [StringLength(255)]
    public string? Description { get; set; }

    public List<PostCategory>? PostCategories { get; set; }
}

public class PostCategory
{
    public int PostId { get; set; }
    public Post Post { get; set; } = default!;
    public int CategoryId { get; set; }
    public Category Category { get; set; } = default!;
}

public class Subscriber : AppEntity<int>
{
    [StringLength(160)]
    public string Email { get; set; } = default!;

    [Column(TypeName = "varchar(80)")]
    public string? Ip { get; set; }

    [StringLength(120)]
    public string? Country { get; set; }

    public string? Region { get; set; }
}

/// <summary>What the category list shows; a projection, not an entity.</summary>
public class CategoryItemDto
{
    public int Id { get; set; }
    public string Category { get; set; } = default!;
    public string? Description { get; set; }
    public int PostCount { get; set; }
}
