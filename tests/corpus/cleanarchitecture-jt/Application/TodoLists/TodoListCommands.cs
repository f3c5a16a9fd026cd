using CleanArchitecture.Application.Common;
using Microsoft.EntityFrameworkCore;

namespace CleanArchitecture.Application.TodoLists;

public record PurgeTodoListsCommand;

public record DeleteTodoListCommand(int Id);

public class PurgeTodoListsCommandHandler
{
    private readonly IApplicationDbContext _context;

    public PurgeTodoListsCommandHandler(IApplicationDbContext context) => _context = context;

    public async Task Handle(PurgeTodoListsCommand request, CancellationToken cancellationToken)
    {
        _context.TodoLists.RemoveRange(_context.TodoLists);
        await _context.SaveChangesAsync(cancellationToken);
    }
}

public class DeleteTodoListCommandHandler
{
    private readonly IApplicationDbContext _context;

    public DeleteTodoListCommandHandler(IApplicationDbContext context) => _context = context;

    public async Task Handle(DeleteTodoListCommand request, CancellationToken cancellationToken)
    {
        var entity = await _context.TodoLists.Where(l => l.Id == request.Id).SingleOrDefaultAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"Todo list {request.Id} was not found.");
        _context.TodoLists.Remove(entity);
        await _context.SaveChangesAsync(cancellationToken);
    }
}
