namespace IncidentReplay.Model;

/// <summary>A user's membership of a group; deleting or adding one rewrites the group's counter and timestamp.</summary>
public sealed class Membership
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group? Group { get; set; }

    public long UserId { get; set; }

    public DateTime CreatedAt { get; set; }
}
