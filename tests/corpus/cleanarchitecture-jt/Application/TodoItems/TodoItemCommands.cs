using CleanArchitecture.Application.Common;
using CleanArchitecture.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace CleanArchitecture.Application.TodoItems;

/// <summary>Variants for the corpus: bulk commands on todo items, in the template's handler style.</summary>
public class TodoItemBulkCommands
{
    private readonly IApplicationDbContext _context;

    public TodoItemBulkCommands(IApplicationDbContext context) => _context = context;

    public async Task CompleteList(int listId, CancellationToken cancellationToken)
    {
        foreach (var item in _context.TodoItems.Where(i => i.ListId == listId))
        {
            item.Priority = PriorityLevel.None;
            item.Reminder = null;
        }

        await _context.SaveChangesAsync(cancellationToken);
    }

    public async Task ClearPastReminders(DateTime now, CancellationToken cancellationToken)
    {
        await _context.TodoItems.Where(i => i.Reminder < now).ForEachAsync(i => i.Reminder = null, cancellationToken);
        await _context.SaveChangesAsync(cancellationToken);
    }

    public async Task ArchiveDoneItems(CancellationToken cancellationToken)
    {
        var done = from item in _context.TodoItems
                   where item.Done
                   select item;
        _context.TodoItems.RemoveRange(done);
        await _context.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteDoneItemsOfList(int listId, CancellationToken cancellationToken)
    {
        var list = await _context.TodoLists.Include(l => l.Items).SingleAsync(l => l.Id == listId, cancellationToken);
        foreach (var item in list.Items.Where(i => i.Done).ToList())
        {
            _context.TodoItems.Remove(item);
        }

        await _context.SaveChangesAsync(cancellationToken);
    }

    public async Task ImportTitles(int listId, IReadOnlyList<string> titles, CancellationToken cancellationToken)
    {
        foreach (var title in titles)
        {
            _context.TodoItems.Add(new TodoItem { ListId = listId, Title = title });
            await _context.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task ImportFirstTitles(int listId, IReadOnlyList<string> titles, CancellationToken cancellationToken)
    {
        foreach (var title in titles.Take(10))
        {
            _context.TodoItems.Add(new TodoItem { ListId = listId, Title = title });
            await _context.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task RaisePriority(IReadOnlyList<int> itemIds, CancellationToken cancellationToken)
    {
        var items = await _context.TodoItems.Where(i => itemIds.Contains(i.Id)).ToListAsync(cancellationToken);
        foreach (var item in items)
        {
            item.Priority = PriorityLevel.High;
        }

        await _context.SaveChangesAsync(cancellationToken);
    }

    public async Task MarkFirstPageDone(int listId, CancellationToken cancellationToken)
    {
        var page = await _context.TodoItems.Where(i => i.ListId == listId).OrderBy(i => i.Id).Take(20).ToListAsync(cancellationToken);
        foreach (var item in page)
        {
            item.Priority = PriorityLevel.Low;
        }

        await _context.SaveChangesAsync(cancellationToken);
    }
}
