namespace Layered.Domain;

/// <summary>A post of a group.</summary>
public class Post
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group Group { get; set; } = null!;

    public string Body { get; set; } = "";

    public bool IsSpam { get; set; }
}
