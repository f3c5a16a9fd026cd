using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>What one command of a case did: the guard's verdict and estimate, the engine's answer, and the state after it.</summary>
/// <param name="Violation">The guard's violation, when it blocked the command.</param>
/// <param name="Error">The engine's (or provider's) error, when the command failed.</param>
/// <param name="Reported">The rows the engine reported, when the command ran.</param>
/// <param name="EstimatedRows">The rows the guard's log says it estimated before the command ran (0 when it logged none).</param>
/// <param name="Log">The guard's log entries of the command.</param>
/// <param name="State">The database after the command, read before the command's connection closed.</param>
public sealed record CommandOutcome(BulkSafetyViolationException? Violation, Exception? Error, int? Reported, long EstimatedRows, string Log, DatabaseState State);

/// <summary>
/// A throwaway database of one engine for the adversarial suite: seeded afresh by <see cref="ResetAsync"/>, read in full
/// by <see cref="ReadStateAsync"/>, and driven through an EF Core context with or without the guard
/// (<see cref="RunAsync"/>). Subclasses supply the engine: its contexts, parameters, connection set-up and counters.
/// </summary>
public abstract class AdversarialDatabase
{
    /// <summary>The guard's log of every guarded context.</summary>
    public EstimateLog Log { get; } = new();

    /// <summary>The tables whose rows a statement changes (those of the EF model), as <c>FROM</c> expressions.</summary>
    public abstract IReadOnlyList<string> DataTables { get; }

    /// <summary>Recreates and seeds the database and zeroes its side-effect counters.</summary>
    public abstract Task ResetAsync();

    /// <summary>Every table's rows and every side-effect counter, as committed.</summary>
    public abstract Task<DatabaseState> ReadStateAsync();

    /// <summary>Runs SQL outside any guard, for a case's <see cref="AdversarialCase.Arrange"/> and <see cref="AdversarialCase.CleanUp"/>.</summary>
    public abstract Task ExecuteAsync(IReadOnlyList<string> commands);

    /// <summary>
    /// Runs the case's commands on one context (guarded or not), each read back before the next, between the case's own
    /// set-up and clean-up; stops at a violation.
    /// </summary>
    public async Task<IReadOnlyList<CommandOutcome>> RunAsync(AdversarialCase statement, bool guarded)
    {
        await ExecuteAsync(statement.Arrange);
        try
        {
            return await RunCommandsAsync(statement, guarded);
        }
        finally
        {
            await ExecuteAsync(statement.CleanUp);
        }
    }

    private async Task<IReadOnlyList<CommandOutcome>> RunCommandsAsync(AdversarialCase statement, bool guarded)
    {
        var outcomes = new List<CommandOutcome>();
        await using var context = CreateContext(guarded, statement.MaxRows);
        await context.Database.OpenConnectionAsync();
        await PrepareConnectionAsync(context.Database.GetDbConnection());
        foreach (var sql in statement.Commands)
        {
            var logged = Log.Count;
            BulkSafetyViolationException? violation = null;
            Exception? error = null;
            int? reported = null;
            await using (var transaction = statement.InTransaction ? await context.Database.BeginTransactionAsync() : null)
            {
                try
                {
                    reported = await context.Database.ExecuteSqlRawAsync(sql, Arguments(statement));
                }
                catch (BulkSafetyViolationException blocked)
                {
                    violation = blocked;
                }
                catch (Exception failed) when (failed is DbException or InvalidOperationException or NotSupportedException or FormatException or ArgumentException)
                {
                    error = failed;
                }

                if (transaction is not null)
                {
                    // A probe's write inside the caller's transaction would be committed with it: nothing hides it.
                    await CommitOrRollBackAsync(transaction);
                }
            }

            outcomes.Add(new CommandOutcome(violation, error, reported, Log.RowsEstimatedSince(logged), Log.MessagesSince(logged), await ReadStateAsync()));
            if (violation is not null)
            {
                break;
            }
        }

        await EndRunAsync(context.Database.GetDbConnection());
        return outcomes;
    }

    /// <summary>Runs <paramref name="commands"/> one by one on <paramref name="connection"/> (how each database's
    /// <see cref="ExecuteAsync"/> runs them on its own unguarded connection).</summary>
    protected static async Task ExecuteOnAsync(DbConnection connection, IReadOnlyList<string> commands)
    {
        foreach (var sql in commands)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Budgets under which every ordinary statement of the suite is admitted (its tables hold a few rows), unless the case
    /// sets a row budget of its own: a violation then comes from reading the statement, not from its size.
    /// </summary>
    public static Action<BulkSafetyOptions> Budgets(int? maxRows) => options =>
    {
        options.MaxRowsPerUnitOfWork = maxRows ?? 1_000_000;
        options.MaxBytesPerUnitOfWork = 1L << 40;
        options.MaxBytesPerMinute = 1L << 50;
        options.MaxRewritesPerRowPerMinute = 1_000_000;
        options.MaxTableFraction = 1;
    };

    /// <summary>A context on the current database; guarded with <see cref="Budgets"/>, or not at all.</summary>
    protected abstract DbContext CreateContext(bool guarded, int? maxRows);

    /// <summary>A named provider parameter.</summary>
    protected abstract DbParameter CreateParameter(string name, object? value);

    /// <summary>Set-up of the run's connection once EF has opened it (SQLite: the application's functions).</summary>
    protected virtual Task PrepareConnectionAsync(DbConnection connection) => Task.CompletedTask;

    /// <summary>Undoes what outlives a run on its connection before it closes (PostgreSQL: session locks).</summary>
    protected virtual Task EndRunAsync(DbConnection connection) => Task.CompletedTask;

    private static async Task CommitOrRollBackAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction)
    {
        try
        {
            await transaction.CommitAsync();
        }
        catch (DbException)
        {
            await transaction.RollbackAsync();
        }
    }

    // Fresh provider parameters for every command: a parameter belongs to one command at a time.
    private object[] Arguments(AdversarialCase statement)
        => [.. statement.Parameters.Select(p => p.Name is null ? p.Value ?? DBNull.Value : CreateParameter(p.Name, p.Value))];
}
