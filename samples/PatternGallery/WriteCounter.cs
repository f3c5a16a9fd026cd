using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PatternGallery;

/// <summary>
/// Counts what a pattern costs the database: SaveChanges calls (units of work, each its own transaction), commands (round
/// trips), and the INSERT/UPDATE/DELETE statements in them.
/// </summary>
public sealed partial class WriteCounter : IDbCommandInterceptor, ISaveChangesInterceptor
{
    private int _saves;
    private int _commands;
    private int _inserts;
    private int _updates;
    private int _deletes;

    public int Saves => _saves;

    public int Commands => _commands;

    public int Inserts => _inserts;

    public int Updates => _updates;

    public int Deletes => _deletes;

    public void Reset() => _saves = _commands = _inserts = _updates = _deletes = 0;

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Interlocked.Increment(ref _saves);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(SavedChanges(eventData, result));

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count(command);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Count(command);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(NonQueryExecuting(command, eventData, result));

    private void Count(DbCommand command)
    {
        Interlocked.Increment(ref _commands);
        Interlocked.Add(ref _inserts, Insert().Count(command.CommandText));
        Interlocked.Add(ref _updates, Update().Count(command.CommandText));
        Interlocked.Add(ref _deletes, Delete().Count(command.CommandText));
    }

    [GeneratedRegex(@"^\s*INSERT INTO", RegexOptions.Multiline)]
    private static partial Regex Insert();

    [GeneratedRegex(@"^\s*UPDATE ", RegexOptions.Multiline)]
    private static partial Regex Update();

    [GeneratedRegex(@"^\s*DELETE FROM", RegexOptions.Multiline)]
    private static partial Regex Delete();
}
