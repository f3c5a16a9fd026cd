using AllReady.Models;

namespace AllReady.Features.Events;

public record TaskSignupViewModel(int Id, int TaskId, Models.TaskStatus Status, string? StatusDescription);

public record UpdateMyTasksCommand(string UserId, IEnumerable<TaskSignupViewModel> TaskSignups);

public class UpdateMyTasksCommandHandler
{
    private readonly AllReadyContext _dbContext;

    public UpdateMyTasksCommandHandler(AllReadyContext dbContext) => _dbContext = dbContext;

    public Func<DateTime> DateTimeUtcNow { get; set; } = () => DateTime.UtcNow;

    public async Task Handle(UpdateMyTasksCommand command)
    {
        var currentUser = _dbContext.Users.SingleOrDefault(u => u.Id == command.UserId);
        foreach (var taskSignupViewModel in command.TaskSignups)
        {
            _dbContext.TaskSignups.Update(new TaskSignup
            {
                Id = taskSignupViewModel.Id,
                StatusDateTimeUtc = DateTimeUtcNow(),
                StatusDescription = taskSignupViewModel.StatusDescription,
                Status = taskSignupViewModel.Status,
                Task = new AllReadyTask { Id = taskSignupViewModel.TaskId },
                User = currentUser,
            });
            await _dbContext.SaveChangesAsync();
        }
    }
}

public class DeleteEventCommandHandler
{
    private readonly AllReadyContext _context;

    public DeleteEventCommandHandler(AllReadyContext context) => _context = context;

    public async Task Handle(int eventId)
    {
        var @event = _context.Events.Where(e => e.Id == eventId).Select(e => new { Event = e, e.Tasks }).SingleOrDefault();
        if (@event is null)
        {
            return;
        }

        _context.Tasks.RemoveRange(@event.Tasks);
        _context.Events.Remove(@event.Event);
        await _context.SaveChangesAsync();
    }
}
