using AllReady.Models;
using Microsoft.EntityFrameworkCore;

namespace AllReady.Features.Tasks;

/// <summary>Variants for the corpus: volunteer management in the app's handler style.</summary>
public class TaskSignupCommands
{
    private readonly AllReadyContext _context;

    public TaskSignupCommands(AllReadyContext context) => _context = context;

    public async Task UnassignAll(int taskId)
    {
        var task = await _context.Tasks.Include(t => t.AssignedVolunteers).SingleAsync(t => t.Id == taskId);
        foreach (var signup in task.AssignedVolunteers.ToList())
        {
            signup.Cancel();
            await _context.SaveChangesAsync();
        }
    }

    public async Task UnassignAllOnce(int taskId)
    {
        var task = await _context.Tasks.Include(t => t.AssignedVolunteers).SingleAsync(t => t.Id == taskId);
        foreach (var signup in task.AssignedVolunteers)
        {
            signup.Status = Models.TaskStatus.Canceled;
        }

        task.NumberOfVolunteersSignedUp = 0;
        await _context.SaveChangesAsync();
    }

    public async Task CancelSignups(IReadOnlyList<int> signupIds)
    {
        var signups = await _context.TaskSignups.Where(s => signupIds.Contains(s.Id)).ToListAsync();
        foreach (var signup in signups)
        {
            signup.Status = Models.TaskStatus.Canceled;
            await _context.Tasks.Where(t => t.Id == signup.TaskId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.NumberOfVolunteersSignedUp, t => t.NumberOfVolunteersSignedUp - 1));
        }

        await _context.SaveChangesAsync();
    }

    public async Task RemoveUserSignups(string userId)
    {
        var signups = await _context.TaskSignups.Where(s => s.UserId == userId).ToListAsync();
        foreach (var signup in signups)
        {
            await _context.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE AllReadyTask SET NumberOfVolunteersSignedUp = NumberOfVolunteersSignedUp - 1 WHERE Id = {signup.TaskId}");
            _context.TaskSignups.Remove(signup);
        }

        await _context.SaveChangesAsync();
    }

    public async Task ExpirePastTasks(DateTimeOffset now)
    {
        var tasks = await _context.Tasks.Where(t => t.StartDateTime < now).ToListAsync();
        foreach (var task in tasks)
        {
            task.NumberOfVolunteersRequired = 0;
        }

        await _context.SaveChangesAsync();
    }

    public async Task DeleteTask(int taskId)
    {
        var task = await _context.Tasks.Include(t => t.Event).SingleOrDefaultAsync(t => t.Id == taskId);
        if (task is null)
        {
            return;
        }

        task.Delete();
        _context.Tasks.Remove(task);
        await _context.SaveChangesAsync();
    }

    public async Task MoveEventsToCampaign(int campaignId, IReadOnlyList<int> eventIds)
    {
        var campaign = await _context.Campaigns.SingleAsync(c => c.Id == campaignId);
        foreach (var eventId in eventIds)
        {
            var @event = await _context.Events.SingleAsync(e => e.Id == eventId);
            @event.AddTo(campaign);
        }

        await _context.SaveChangesAsync();
    }

    public async Task Unregister(int signupId)
    {
        var signup = await _context.TaskSignups.Include(s => s.Task).SingleOrDefaultAsync(s => s.Id == signupId);
        if (signup is not null)
        {
            signup.Cancel();
            _context.TaskSignups.Remove(signup);
            await _context.SaveChangesAsync();
        }
    }
}
