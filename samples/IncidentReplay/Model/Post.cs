using System.ComponentModel.DataAnnotations;

namespace IncidentReplay.Model;

/// <summary>A post in a group; deleting or adding one rewrites the group's counter and timestamp.</summary>
public sealed class Post
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group? Group { get; set; }

    public long AuthorId { get; set; }

    [MaxLength(2000)]
    public required string Body { get; set; }

    public DateTime CreatedAt { get; set; }
}
