using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace AllReady.Models;

public class ApplicationUser : IdentityUser
{
    [MaxLength(100)]
    public string? Name { get; set; }

    [MaxLength(64)]
    public string? TimeZoneId { get; set; }
}

public class Campaign
{
    public int Id { get; set; }

    [MaxLength(200)]
    public string Name { get; set; } = "";

    [MaxLength(1000)]
    public string? Description { get; set; }

    /// <summary>Variant for the corpus: a cached count of the campaign's events.</summary>
    public int EventCount { get; set; }

    public List<Event> Events { get; set; } = new();
}

public class Event
{
    public int Id { get; set; }

    [MaxLength(200)]
    public string Name { get; set; } = "";

    public string? Description { get; set; }
    public int? CampaignId { get; set; }
    public Campaign? Campaign { get; set; }
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset EndDateTime { get; set; }
    public DateTime UpdatedDateTimeUtc { get; set; }
    public List<AllReadyTask> Tasks { get; set; } = new();

    public void AddTo(Campaign campaign)
    {
        Campaign = campaign;
        campaign.EventCount++;
    }
}

public class AllReadyTask
{
    public int Id { get; set; }

    [MaxLength(200)]
    public string Name { get; set; } = "";

    public string? Description { get; set; }
    public int EventId { get; set; }
    public Event Event { get; set; } = null!;
    public int NumberOfVolunteersRequired { get; set; }

    /// <summary>Variant for the corpus: a cached count of active signups, kept by the signups themselves.</summary>
    public int NumberOfVolunteersSignedUp { get; set; }

    public DateTimeOffset StartDateTime { get; set; }
    public List<TaskSignup> AssignedVolunteers { get; set; } = new();

    public void Delete()
    {
        Event.UpdatedDateTimeUtc = DateTime.UtcNow;
    }
}

public enum TaskStatus
{
    Assigned,
    Accepted,
    Completed,
    Canceled,
}

public class TaskSignup
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public AllReadyTask Task { get; set; } = null!;
    public string? UserId { get; set; }
    public ApplicationUser? User { get; set; }
    public TaskStatus Status { get; set; }
    public DateTime StatusDateTimeUtc { get; set; }
    public string? StatusDescription { get; set; }

    [MaxLength(500)]
    public string? AdditionalInfo { get; set; }

    public void Cancel()
    {
        Status = TaskStatus.Canceled;
        Task.NumberOfVolunteersSignedUp--;
    }
}
