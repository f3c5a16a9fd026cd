namespace Piranha.Data;

public sealed class Page
{
    public Guid Id { get; set; }
    public Guid SiteId { get; set; }
    public Guid? ParentId { get; set; }
    public int SortOrder { get; set; }
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string? Excerpt { get; set; }
    public DateTime LastModified { get; set; }
    public IList<PageBlock> Blocks { get; set; } = new List<PageBlock>();
    public IList<PageComment> Comments { get; set; } = new List<PageComment>();
}

public sealed class PageBlock
{
    public Guid Id { get; set; }
    public Guid PageId { get; set; }
    public int SortOrder { get; set; }
    public string CLRType { get; set; } = "";
    public string? Body { get; set; }
    public Page Page { get; set; } = null!;
}

public sealed class PageComment
{
    public Guid Id { get; set; }
    public Guid PageId { get; set; }
    public string Author { get; set; } = "";
    public string Body { get; set; } = "";
    public bool IsApproved { get; set; }
    public Page Page { get; set; } = null!;
}

public sealed class MediaFolder
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>Variant for the corpus: a cached count of the files in the folder.</summary>
    public int MediaCount { get; set; }

    public IList<Media> Media { get; set; } = new List<Media>();
}

public sealed class Media
{
    public Guid Id { get; set; }
    public Guid? FolderId { get; set; }
    public string Filename { get; set; } = "";
    public string ContentType { get; set; } = "";
    public string? AltText { get; set; }
    public long Size { get; set; }
    public MediaFolder? Folder { get; set; }
}
