namespace Piranha.Data;

public sealed class Post
{
    public Guid Id { get; set; }
    public Guid BlogId { get; set; }
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string? MetaTitle { get; set; }
    public string? MetaDescription { get; set; }
    public string? Excerpt { get; set; }
    public string? Route { get; set; }
    public DateTime? Published { get; set; }
    public DateTime Created { get; set; }
    public DateTime LastModified { get; set; }

    /// <summary>Variant for the corpus: a cached count of approved comments kept on the post.</summary>
    public int CommentCount { get; set; }

    public IList<PostField> Fields { get; set; } = new List<PostField>();
    public IList<PostComment> Comments { get; set; } = new List<PostComment>();
}

public sealed class PostField
{
    public Guid Id { get; set; }
    public Guid PostId { get; set; }
    public string RegionId { get; set; } = "";
    public string FieldId { get; set; } = "";
    public int SortOrder { get; set; }
    public string CLRType { get; set; } = "";
    public string? Value { get; set; }
    public Post Post { get; set; } = null!;
}

public sealed class PostRevision
{
    public Guid Id { get; set; }
    public Guid PostId { get; set; }
    public string Data { get; set; } = "";
    public DateTime Created { get; set; }
    public Post Post { get; set; } = null!;
}

public sealed class PostComment
{
    public Guid Id { get; set; }
    public Guid PostId { get; set; }
    public string? UserId { get; set; }
    public string Author { get; set; } = "";
    public string Email { get; set; } = "";
    public string? Url { get; set; }
    public bool IsApproved { get; set; }
    public string Body { get; set; } = "";
    public DateTime Created { get; set; }
    public Post Post { get; set; } = null!;
}
