using System.ComponentModel.DataAnnotations;

namespace PatternGallery.IncidentModel;

/// <summary>A group's post: deleting it decrements the group's counter and touches the group (see <see cref="IncidentContext"/>).</summary>
public class Post
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group Group { get; set; } = null!;

    [MaxLength(200)]
    public string Title { get; set; } = "";

    [MaxLength(10_000)]
    public string Body { get; set; } = "";
}
