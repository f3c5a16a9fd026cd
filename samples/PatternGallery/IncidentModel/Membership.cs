namespace PatternGallery.IncidentModel;

/// <summary>A user's membership of a group; configured fluently in <see cref="IncidentContext"/>.</summary>
public class Membership
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group Group { get; set; } = null!;

    public long UserId { get; set; }
}
