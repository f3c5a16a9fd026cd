using System.Data.Common;
using System.Text;
using BulkSafety.Estimation;
using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>Bulk commands through the sync or the async path, for theories over both, and what the tests compare with.</summary>
internal static class BulkExecution
{
    public static async Task<int> Delete<T>(this IQueryable<T> query, bool async)
        => async ? await query.ExecuteDeleteAsync() : query.ExecuteDelete();

#if EF_BEFORE_10
    public static async Task<int> Update<T>(this IQueryable<T> query, System.Linq.Expressions.Expression<Func<SetPropertyCalls<T>, SetPropertyCalls<T>>> setters, bool async)
#else
    public static async Task<int> Update<T>(this IQueryable<T> query, Action<UpdateSettersBuilder<T>> setters, bool async)
#endif
        => async ? await query.ExecuteUpdateAsync(setters) : query.ExecuteUpdate(setters);

    public static async Task<int> Sql(this DbContext context, string sql, bool async, params object[] parameters)
        => async ? await context.Database.ExecuteSqlRawAsync(sql, parameters) : context.Database.ExecuteSqlRaw(sql, parameters);

    /// <summary>
    /// The log bytes the guard must charge for one statement that deletes <paramref name="rows"/> rows of the entity's table
    /// whose text and binary columns hold, on average, the given stored sizes (others present): the profile's price of
    /// such a statement plus the transaction's own bytes.
    /// </summary>
    public static long ExpectedDeleteBytes<TEntity>(DbContext context, BulkSafetyOptions options, long rows, string commandText, IReadOnlyDictionary<string, ColumnValue> storedSizes)
    {
        var shape = MappedTable.For(context.Model.FindEntityType(typeof(TEntity))!)[0].Shape;
        var values = shape.Columns.Select(c => storedSizes.TryGetValue(c.Name, out var size) ? size : ColumnValue.Present).ToArray();
        // Unconfigured, SQLite is priced with the stand-in profile: MySQL's FULL row images.
        var profile = options.Profile ?? ReplicationProfile.MySqlRow();
        var statement = profile.EstimateStatement(shape, RowChange.Delete(values, Encoding.UTF8.GetByteCount(commandText)), rows);
        return statement + profile.EstimateTransactionOverhead(statement);
    }

    public static BulkSafetyOptions Defaults(Action<BulkSafetyOptions>? configure = null)
    {
        var options = new BulkSafetyOptions();
        configure?.Invoke(options);
        return options;
    }

    public static bool Logged(this GuardHarness harness, int eventId) => harness.Log.Entries.Any(e => e.EventId.Id == eventId);

    public static CapturedLog.Entry Single(this GuardHarness harness, int eventId) => Assert.Single(harness.Log.Entries, e => e.EventId.Id == eventId);

    // A throttled command runs on another thread; wait until it has logged that it waits (not a timing assertion).
    public static async Task WaitForLog(this GuardHarness harness, int eventId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!harness.Logged(eventId))
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

/// <summary>
/// An interceptor registered after the guard's: it sees each command as it is about to run — after the guard's probes
/// have borrowed and returned its parameters.
/// </summary>
internal sealed class CommandSpy : DbCommandInterceptor
{
    public List<(string Text, string[] Parameters)> Commands { get; } = [];

    public string LastText => Commands[^1].Text;

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
        => Commands.Add((command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => $"{p.ParameterName}={p.Value}")]));
}
