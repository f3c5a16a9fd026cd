using System.Data.Common;
using System.Runtime.CompilerServices;
using BulkSafety.Budgets;
using BulkSafety.Databases;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.Interception;

/// <summary>
/// The guard for the commands that bypass SaveChanges: <c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, and raw DELETE/UPDATE
/// sent through <c>ExecuteSql</c> or <c>FromSql</c>. Each is estimated and judged before it executes (the Executing
/// events), and its unit of work is recorded once it has run or released if it failed (the Executed and Failed
/// events). Every other command costs a look at its source — and, for raw SQL, a search of its text for four
/// words — and nothing more. Sync and async events share one private method.
/// </summary>
internal sealed class BulkCommandInterceptor(BulkSafetyGuard guard) : DbCommandInterceptor
{
    // Set while a caller runs a statement it has already estimated and admitted itself: estimating it again would count
    // it twice in the window — and, for a batched job, judge the blast radius batch by batch (the last batch of a job that
    // empties a table deletes all that is left); the job judges the blast radius of its whole filter once, at its start.
    private static readonly AsyncLocal<bool> AdmittedByCaller = new();

    // The unit of each command between its Executing and its Executed/Failed events.
    private readonly ConditionalWeakTable<DbCommand, LedgerTicket> _inFlight = new();

    /// <summary>
    /// Runs <paramref name="statement"/> with its commands left to the caller, which has estimated, admitted and will record
    /// their unit of work (a batched job's batch, the bookkeeping's parent updates inside SaveChanges).
    /// </summary>
    public static TResult RunAdmitted<TResult>(Func<TResult> statement)
    {
        // A task the statement returns keeps the flag: its continuations run in the context captured at its awaits.
        var outer = AdmittedByCaller.Value;
        AdmittedByCaller.Value = true;
        try
        {
            return statement();
        }
        finally
        {
            AdmittedByCaller.Value = outer;
        }
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (!result.HasResult)
        {
            InspectAsync(command, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (!result.HasResult)
        {
            await InspectAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (!result.HasResult)
        {
            InspectAsync(command, eventData, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (!result.HasResult)
        {
            await InspectAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Executed(command, eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Executed(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Executed(command, eventData);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Executed(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Failed(command, eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(command, eventData);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Failed(command, eventData);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(command, eventData);
        return Task.CompletedTask;
    }

    private async ValueTask InspectAsync(DbCommand command, CommandEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (AdmittedByCaller.Value || eventData.Context is not { } context
            || BulkCommandEstimator.Recognize(eventData.CommandSource, command, DatabaseDialect.Detect(context.Database.ProviderName, command.Connection!)) is not { } bulk)
        {
            return;
        }

        if (await guard.AdmitCommandAsync(context, command, bulk, async, cancellationToken).ConfigureAwait(false) is { } ticket)
        {
            _inFlight.AddOrUpdate(command, ticket);
        }
    }

    private void Executed(DbCommand command, CommandEndEventData eventData)
    {
        if (eventData.Context is { } context && _inFlight.TryGetValue(command, out var ticket) && _inFlight.Remove(command))
        {
            guard.CommandExecuted(context, ticket);
        }
    }

    private void Failed(DbCommand command, CommandEndEventData eventData)
    {
        if (eventData.Context is { } context && _inFlight.TryGetValue(command, out var ticket) && _inFlight.Remove(command))
        {
            guard.CommandFailed(context, ticket);
        }
    }
}
