using System.Data.Common;
using BulkSafety.Bookkeeping;
using BulkSafety.Budgets;
using BulkSafety.Configuration;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkSafety.Interception;

/// <summary>
/// One context's BulkSafety session, from EF's internal services (scoped: one per context instance, reset between
/// leases of a pooled context). It owns each unit of work from start to settlement:
/// <list type="bullet">
/// <item>SaveChanges: once EF has detected the changes, the bookkeeping plan (built once, used by the estimate and the
/// writes), the estimate, admission (<see cref="Admission"/>), the bookkeeping's parent UPDATEs, and the ledger ticket,
/// committed when the work is committed or released when it is not;</item>
/// <item>bulk commands (<c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, raw SQL that may change rows): estimated with
/// read-only probes and admitted before they execute;</item>
/// <item>transactions: tickets are parked on the transaction they ran in and charged when it commits, released when it
/// rolls back, fails, rolls back to a savepoint taken before them, or is disposed without commit.</item>
/// </list>
/// With the guard off (<c>UseBulkSafetyBookkeeping</c>) only the bookkeeping runs. Sync and async events share one
/// private method each.
/// </summary>
internal sealed class GuardSession : ISaveChangesInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor, IResettableService, IDisposable
{
    private static readonly AsyncLocal<QueryCapture?> Capture = new();

    private readonly DbContext _context;
    private readonly BulkSafetyOptionsExtension _extension;
    private readonly EventHandler<DetectedChangesEventArgs> _onDetectedAllChanges;
    private readonly List<(Guid Transaction, LedgerTicket Ticket)> _parked = [];
    // The parked tickets when each open savepoint was taken, innermost last. EF's savepoint events carry no name, so a
    // rollback or release is taken to concern the innermost savepoint, as EF's own savepoint and LIFO use do.
    private readonly List<int> _savepoints = [];
    private SessionSettings? _settings;
    private (DbConnection Connection, DatabaseIdentity Identity, DatabaseDialect? Dialect)? _database;
    private UnitOfWork? _unit;
    private (DbCommand Command, LedgerTicket Ticket)? _command;
    private bool _awaitingDetection;
    private bool _runningAdmittedStatement;
    private IReadOnlyDictionary<string, object?>? _parameterValues;

    // A statement failed inside the current transaction on an engine where that dooms the transaction (PostgreSQL): its
    // commit is a rollback, unless a rollback to a savepoint recovers it first.
    private bool _transactionAborted;

    public GuardSession(ICurrentDbContext currentContext, IDbContextOptions options)
    {
        _context = currentContext.Context;
        _extension = options.FindExtension<BulkSafetyOptionsExtension>()!;
        _onDetectedAllChanges = (_, _) => OnDetectedAllChanges();
    }

    /// <summary>The settings the session resolved for its context: budgets, ledger, logger, clock, bookkeeping model.</summary>
    public SessionSettings Settings => _settings ??= SessionSettings.Resolve(_context, _extension);

    /// <summary>The database the context writes to now.</summary>
    public DatabaseIdentity Database => Connection.Identity;

    /// <summary>The engine the context writes to, when the guard knows it.</summary>
    private DatabaseDialect? Dialect => Connection.Dialect;

    private (DbConnection Connection, DatabaseIdentity Identity, DatabaseDialect? Dialect) Connection
    {
        get
        {
            var connection = _context.Database.GetDbConnection();
            if (_database is not { } known || !ReferenceEquals(known.Connection, connection))
            {
                _database = known = (connection, DatabaseIdentity.Of(connection), DatabaseDialect.Detect(_context.Database.ProviderName, connection));
            }

            return known;
        }
    }

    /// <summary>The session of <paramref name="context"/>, or <see langword="null"/> when it does not use BulkSafety.</summary>
    public static GuardSession? Of(DbContext context) => context.GetInfrastructure().GetService(typeof(GuardSession)) as GuardSession;

    /// <summary>
    /// Runs <paramref name="query"/> and returns its result with the context that executed it, or <see langword="null"/>
    /// when that context does not use BulkSafety. EF Core offers no public way from an <see cref="IQueryable"/> to its
    /// context; a session hands its context to a capture under way when the query's first command is created.
    /// </summary>
    public static async Task<(TResult Result, DbContext? Context)> CaptureContextAsync<TResult>(Func<Task<TResult>> query)
    {
        var capture = new QueryCapture();
        Capture.Value = capture;
        try
        {
            var result = await query().ConfigureAwait(false);
            return (result, capture.Context);
        }
        finally
        {
            Capture.Value = null;
        }
    }

    /// <summary>Estimates and judges the pending changes without saving, recording or logging anything.</summary>
    public BulkSafetyReport EstimatePending()
    {
        var settings = Settings;
        var tracker = _context.ChangeTracker;
        tracker.DetectChanges();
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            var plan = settings.Bookkeeping.IsEmpty ? null : BookkeepingPlan.Compute(_context, settings.Bookkeeping, settings.Clock.GetUtcNow());
            var estimate = EstimateChanges(settings, plan);
            var verdict = settings.Admission.Ledger.Inspect(estimate, settings.Budgets);
            return BudgetRules.Report(estimate, verdict, settings.Budgets, BudgetRules.FirstViolation(estimate, verdict, settings.Budgets, settings.RowCounts));
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// Runs a statement whose unit of work the caller has estimated and admitted itself — a batch of a batched job — so
    /// that the command interceptor does not estimate it again (counting it twice, and judging a job's blast radius batch
    /// by batch).
    /// </summary>
    public async Task<int> RunAdmittedAsync(Func<Task<int>> statement)
    {
        _runningAdmittedStatement = true;
        try
        {
            return await statement().ConfigureAwait(false);
        }
        finally
        {
            _runningAdmittedStatement = false;
        }
    }

    /// <summary>
    /// Values that replace, by parameter name, those of every command the context runs while they are set: a resumed
    /// named job's queries and statements run with the values the job started with (<see langword="null"/>: none).
    /// </summary>
    public void UseParameterValues(IReadOnlyDictionary<string, object?>? values) => _parameterValues = values;

    /// <summary>
    /// Gives <paramref name="command"/> the values of <see cref="UseParameterValues"/>: done for every command the context
    /// runs, and by a batched job's probes for the commands they build from its queries and run themselves.
    /// </summary>
    public void ApplyParameterValues(DbCommand command)
    {
        if (_parameterValues is { } values)
        {
            foreach (DbParameter parameter in command.Parameters)
            {
                if (values.TryGetValue(parameter.ParameterName, out var value))
                {
                    parameter.Value = value ?? DBNull.Value;
                }
            }
        }
    }

    /// <summary>Settles an admitted unit that has run: committed with the transaction it ran in, or at once.</summary>
    public void Settle(LedgerTicket ticket)
    {
        var admission = Settings.Admission;
        if (_context.Database.CurrentTransaction is { } transaction)
        {
            _parked.Add((transaction.TransactionId, ticket));
        }
        else if (System.Transactions.Transaction.Current is { } ambient)
        {
            ambient.TransactionCompleted += (_, completed) =>
            {
                if (completed.Transaction?.TransactionInformation.Status == System.Transactions.TransactionStatus.Committed)
                {
                    admission.Commit(ticket);
                }
                else
                {
                    admission.Release(ticket);
                }
            };
        }
        else
        {
            admission.Commit(ticket);
        }
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        SavingChangesAsync(async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await SavingChangesAsync(async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SavedChangesAsync(async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await SavedChangesAsync(async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => SaveFailed(eventData.Exception);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveFailed(eventData.Exception);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => SaveFailed(null);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveFailed(null);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result)
    {
        if (Capture.Value is { } capture)
        {
            capture.Context ??= _context;
        }

        return result;
    }

    public DbCommand CommandCreated(CommandEndEventData eventData, DbCommand result)
    {
        // A command of SaveChanges proves that this SaveChanges got past every check and is writing: only then may a commit
        // carry its bookkeeping.
        if (eventData.CommandSource == CommandSource.SaveChanges && _unit is { } unit)
        {
            unit.Writing = true;
        }

        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        CommandExecutingAsync(command, eventData, result.HasResult, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await CommandExecutingAsync(command, eventData, result.HasResult, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        CommandExecutingAsync(command, eventData, result.HasResult, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await CommandExecutingAsync(command, eventData, result.HasResult, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        CommandExecuted(command, eventData);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        CommandExecuted(command, eventData);
        return ValueTask.FromResult(result);
    }

    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        CommandExecuted(command, eventData);
        return result;
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        CommandExecuted(command, eventData);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => CommandFailed(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => CommandFailed(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command);
        return Task.CompletedTask;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        TransactionStarted();
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        TransactionStarted();
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        WriteBookkeepingBeforeCommitAsync(async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await WriteBookkeepingBeforeCommitAsync(async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => TransactionEnded(eventData.TransactionId, committed: true);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionEnded(eventData.TransactionId, committed: true);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => TransactionEnded(eventData.TransactionId, committed: false);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionEnded(eventData.TransactionId, committed: false);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => TransactionEnded(eventData.TransactionId, committed: false);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionEnded(eventData.TransactionId, committed: false);
        return Task.CompletedTask;
    }

    public void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => _savepoints.Add(_parked.Count);

    public Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        _savepoints.Add(_parked.Count);
        return Task.CompletedTask;
    }

    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => RolledBackToSavepoint();

    public Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBackToSavepoint();
        return Task.CompletedTask;
    }

    public void ReleasedSavepoint(DbTransaction transaction, TransactionEventData eventData) => ReleasedSavepoint();

    public Task ReleasedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleasedSavepoint();
        return Task.CompletedTask;
    }

    /// <summary>A pooled context is returned: nothing of this lease may reach the next one.</summary>
    public void ResetState() => Forget();

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        Forget();
        return Task.CompletedTask;
    }

    public void Dispose() => Forget();

    private async ValueTask SavingChangesAsync(bool async, CancellationToken cancellationToken)
    {
        AbandonUnit();
        ReleaseOrphans();
        var settings = Settings;
        if (!settings.Guarded && settings.Bookkeeping.IsEmpty)
        {
            return;
        }

        _unit = new UnitOfWork();
        var tracker = _context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled && !(settings.Guarded && settings.Budgets.Mode == BulkSafetyMode.Throttle))
        {
            // EF detects the changes right after the SavingChanges interceptors: judge on that detection, not a second one.
            _awaitingDetection = true;
            tracker.DetectedAllChanges += _onDetectedAllChanges;
            return;
        }

        // Throttle mode waits asynchronously, which EF's synchronous detection event cannot: detect here (EF detects again).
        await BeginUnitAsync(_unit, detect: true, async, cancellationToken).ConfigureAwait(false);
    }

    // EF's own DetectChanges inside SaveChanges has finished. A violation thrown here leaves SaveChanges before any command.
    private void OnDetectedAllChanges()
    {
        _context.ChangeTracker.DetectedAllChanges -= _onDetectedAllChanges;
        if (!_awaitingDetection || _unit is not { } unit)
        {
            return;
        }

        _awaitingDetection = false;

        // Not Throttle mode, so nothing awaits: the judgement completes synchronously.
        BeginUnitAsync(unit, detect: false, async: false, CancellationToken.None).GetAwaiter().GetResult();
    }

    // The bookkeeping plan, applied to the parents SaveChanges writes; the estimate and admission; everything undone when
    // the unit is stopped, so that a blocked SaveChanges leaves the tracker as it was.
    private async ValueTask BeginUnitAsync(UnitOfWork unit, bool detect, bool async, CancellationToken cancellationToken)
    {
        var settings = Settings;
        var tracker = _context.ChangeTracker;
        if (detect && tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            unit.Plan = settings.Bookkeeping.IsEmpty ? null : BookkeepingPlan.Compute(_context, settings.Bookkeeping, settings.Clock.GetUtcNow());
            unit.Plan?.ApplyToWrittenParents();
            if (settings.Guarded)
            {
                unit.Ticket = await AdmitAsync(unit.Plan, async, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            unit.Plan?.Revert();
            _unit = null;
            throw;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }

        PrepareBookkeepingTransaction(unit);
    }

    private async ValueTask<LedgerTicket?> AdmitAsync(BookkeepingPlan? plan, bool async, CancellationToken cancellationToken)
    {
        var settings = Settings;
        UnitOfWorkEstimate estimate;
        try
        {
            estimate = EstimateChanges(settings, plan);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An estimator failure never surfaces from SaveChanges as such: OnUnknown decides.
            GuardLog.EstimateFailed(settings.Admission.Logger, exception, _context.GetType().Name, settings.Budgets.OnUnknown);
            if (settings.Budgets.OnUnknown == UnknownCostPolicy.Block)
            {
                settings.Admission.Judge(
                    Empty(UnitOfWorkEstimate.SaveChangesOperation),
                    settings.Budgets,
                    BudgetRules.UnknownCost(UnknownCause.Estimator, $"the unit of work could not be estimated ({exception.GetType().Name}: {exception.Message})", settings.Budgets.OnUnknown));
            }

            return null;
        }

        return estimate.Rows == 0 ? null
            : await settings.Admission.AdmitAsync(estimate, settings.Budgets, settings.RowCounts, settings.SaveChangesPacing(), async, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SavedChangesAsync(bool async, CancellationToken cancellationToken)
    {
        if (TakeUnit() is not { } unit)
        {
            return;
        }

        try
        {
            if (unit.Plan is { } plan)
            {
                if (!unit.CommittedWithOwnTransaction)
                {
                    // No transaction of SaveChanges' own: the caller's (or none, if the caller turned transactions off).
                    await WriteRelativeUpdatesAsync(plan, async, cancellationToken).ConfigureAwait(false);
                }

                foreach (var parent in plan.RelativeWrites)
                {
                    if (parent.Tracked is { State: EntityState.Unchanged or EntityState.Modified } tracked)
                    {
                        parent.ApplyTo(tracked, plan.Now, accept: true);
                    }
                }
            }
        }
        finally
        {
            RestoreAutoTransaction(unit);
            if (unit.Ticket is { } ticket)
            {
                Settle(ticket);
            }
        }
    }

    // SaveChanges failed or was cancelled. Outside a caller's transaction EF rolled its own back: nothing stays. Inside
    // one, EF rolled back to its savepoint (then nothing stays) — or, with savepoints off, the commands that ran stay in
    // the caller's transaction and are charged, as the whole unit, if it commits; on PostgreSQL a database error dooms
    // that transaction (a batch's error can surface while its results are read, with no command event).
    private void SaveFailed(Exception? exception)
    {
        if (TakeUnit() is not { } unit)
        {
            return;
        }

        if (!unit.RolledBackToSavepoint && _context.Database.CurrentTransaction is not null && Dialect is { FailedStatementAbortsTransaction: true } && IsDatabaseError(exception))
        {
            _transactionAborted = true;
        }

        unit.Plan?.Revert();
        RestoreAutoTransaction(unit);
        if (unit.Ticket is not { } ticket)
        {
            return;
        }

        if (unit.CommandsRan && !unit.RolledBackToSavepoint && _context.Database.CurrentTransaction is { } transaction)
        {
            _parked.Add((transaction.TransactionId, ticket));
        }
        else
        {
            Settings.Admission.Release(ticket);
        }
    }

    private static bool IsDatabaseError(Exception? exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is DbException)
            {
                return true;
            }
        }

        return false;
    }

    private UnitOfWork? TakeUnit()
    {
        if (_awaitingDetection)
        {
            // EF did not detect changes after all (detection turned off by a later interceptor): nothing was judged.
            _awaitingDetection = false;
            _context.ChangeTracker.DetectedAllChanges -= _onDetectedAllChanges;
        }

        var unit = _unit;
        _unit = null;
        return unit;
    }

    // A previous SaveChanges that never reached SavedChanges or SaveChangesFailed: another interceptor threw after ours.
    private void AbandonUnit()
    {
        if (TakeUnit() is { } unit)
        {
            unit.Plan?.Revert();
            RestoreAutoTransaction(unit);
            if (unit.Ticket is { } ticket)
            {
                Settings.Admission.Release(ticket);
            }
        }
    }

    private async ValueTask CommandExecutingAsync(DbCommand command, CommandEventData eventData, bool suppressed, bool async, CancellationToken cancellationToken)
    {
        ApplyParameterValues(command);

        // Most commands are SaveChanges batches and queries: their source settles them before anything else is looked at.
        if (suppressed || _runningAdmittedStatement || !_extension.Guarded
            || eventData.CommandSource is not (CommandSource.ExecuteDelete or CommandSource.ExecuteUpdate or CommandSource.ExecuteSqlRaw or CommandSource.FromSqlQuery))
        {
            return;
        }

        if (BulkCommandEstimator.Recognize(eventData.CommandSource, command, Dialect) is not { } bulk)
        {
            return;
        }

        ReleaseOrphans();
        var settings = Settings;
        BulkCommandEstimate result;
        try
        {
            result = await BulkCommandEstimator.EstimateAsync(_context, command, bulk, settings.Budgets, Database, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            result = BulkCommandEstimate.Unknown(bulk.Operation, $"the estimate failed ({exception.GetType().Name}: {exception.Message})");
        }

        if (result.Estimate is not { } estimate)
        {
            // Unknown cost: Allow lets it through; otherwise BS9006 (AssumeConservative has no conservative size for a
            // statement of unknown reach).
            GuardLog.CommandNotEstimated(settings.Admission.Logger, result.Operation, _context.GetType().Name, result.UnknownReason!, settings.Budgets.OnUnknown);
            if (settings.Budgets.OnUnknown != UnknownCostPolicy.Allow)
            {
                settings.Admission.Judge(
                    Empty(result.Operation),
                    settings.Budgets,
                    BudgetRules.UnknownCost(UnknownCause.Command, $"the {result.Operation} cannot be estimated before it runs ({result.UnknownReason})", settings.Budgets.OnUnknown));
            }

            return;
        }

        if (estimate.Rows == 0)
        {
            return;
        }

        estimate.OpenTransactionBytes = OpenTransactionBytes();
        var rowCounts = settings.RegisteredRowCounts ?? (result.TableRows is { Count: > 0 } known ? new KnownTableRowCounts(known) : UnknownTableRowCounts.Instance);
        var ticket = await settings.Admission.AdmitAsync(estimate, settings.Budgets, rowCounts, settings.SaveChangesPacing(), async, cancellationToken).ConfigureAwait(false);
        _command = (command, ticket);
    }

    private void CommandExecuted(DbCommand command, CommandExecutedEventData eventData)
    {
        if (eventData.CommandSource == CommandSource.SaveChanges && _unit is { } unit)
        {
            unit.CommandsRan = true;
        }

        if (_command is { } running && ReferenceEquals(running.Command, command))
        {
            _command = null;
            Settle(running.Ticket);
        }
    }

    // A failed or cancelled command wrote nothing (a statement is atomic) and counts nothing; on PostgreSQL it also dooms
    // the transaction it ran in.
    private void CommandFailed(DbCommand command)
    {
        if (_command is { } running && ReferenceEquals(running.Command, command))
        {
            _command = null;
            Settings.Admission.Release(running.Ticket);
        }

        if (_context.Database.CurrentTransaction is not null && Dialect is { FailedStatementAbortsTransaction: true })
        {
            _transactionAborted = true;
        }
    }

    private void TransactionEnded(Guid transactionId, bool committed)
    {
        committed &= !_transactionAborted;
        _transactionAborted = false;
        if (committed && _unit is { WrittenBeforeCommit: true } unit)
        {
            unit.CommittedWithOwnTransaction = true;
        }

        var admission = Settings.Admission;
        for (var i = _parked.Count - 1; i >= 0; i--)
        {
            if (_parked[i].Transaction == transactionId)
            {
                if (committed)
                {
                    admission.Commit(_parked[i].Ticket);
                }
                else
                {
                    admission.Release(_parked[i].Ticket);
                }

                _parked.RemoveAt(i);
            }
        }

        _savepoints.Clear();
        ReleaseOrphans();
    }

    // The pending changes' unit of work, on top of what the caller's open transaction already holds.
    private UnitOfWorkEstimate EstimateChanges(SessionSettings settings, BookkeepingPlan? plan)
    {
        var estimate = UnitOfWorkEstimator.Estimate(_context, settings.Budgets.EffectiveProfile, Database, plan);
        estimate.OpenTransactionBytes = OpenTransactionBytes();
        return estimate;
    }

    // The statement bytes of the units that ran in the caller's open transaction: what its binlog cache holds so far.
    private long OpenTransactionBytes()
    {
        if (_context.Database.CurrentTransaction is not { } transaction)
        {
            return 0;
        }

        long bytes = 0;
        foreach (var (id, ticket) in _parked)
        {
            bytes += id == transaction.TransactionId ? ticket.Estimate.StatementBytes : 0;
        }

        return bytes;
    }

    private void TransactionStarted()
    {
        _transactionAborted = false;
        ReleaseOrphans();
    }

    // Work done after the savepoint is undone by rolling back to it: its tickets are released. The savepoint stays.
    private void RolledBackToSavepoint()
    {
        if (_unit is { } unit)
        {
            unit.RolledBackToSavepoint = true;
        }

        _transactionAborted = false;
        if (_savepoints.Count == 0)
        {
            return;
        }

        for (var i = _parked.Count - 1; i >= _savepoints[^1]; i--)
        {
            Settings.Admission.Release(_parked[i].Ticket);
            _parked.RemoveAt(i);
        }
    }

    private void ReleasedSavepoint()
    {
        if (_savepoints.Count > 0)
        {
            _savepoints.RemoveAt(_savepoints.Count - 1);
        }
    }

    // Tickets parked on a transaction that is no longer the context's: it was disposed without a commit (EF raises no
    // event for that), so its work is gone.
    private void ReleaseOrphans()
    {
        if (_parked.Count == 0)
        {
            return;
        }

        var current = _context.Database.CurrentTransaction?.TransactionId;
        for (var i = _parked.Count - 1; i >= 0; i--)
        {
            if (_parked[i].Transaction != current)
            {
                Settings.Admission.Release(_parked[i].Ticket);
                _parked.RemoveAt(i);
            }
        }

        if (current is null)
        {
            _savepoints.Clear();
        }
    }

    private void Forget()
    {
        AbandonUnit();
        if (_command is { } running)
        {
            _command = null;
            Settings.Admission.Release(running.Ticket);
        }

        foreach (var (_, ticket) in _parked)
        {
            Settings.Admission.Release(ticket);
        }

        _parked.Clear();
        _savepoints.Clear();
        _runningAdmittedStatement = false;
        _parameterValues = null;
        _transactionAborted = false;
    }

    private UnitOfWorkEstimate Empty(string operation)
    {
        var empty = new UnitOfWorkEstimate(Settings.Budgets.EffectiveProfile, _context.GetType().Name, Database, operation);
        empty.Complete();
        return empty;
    }

    // EF skips its transaction for a single command; the relative UPDATEs must commit with that command.
    private void PrepareBookkeepingTransaction(UnitOfWork unit)
    {
        var database = _context.Database;
        if (unit.Plan is not { RelativeWrites.Count: > 0 } || database.CurrentTransaction is not null || System.Transactions.Transaction.Current is not null
            || database.AutoTransactionBehavior == AutoTransactionBehavior.Never)
        {
            return;
        }

        unit.InOwnTransaction = true;
        if (database.AutoTransactionBehavior == AutoTransactionBehavior.WhenNeeded)
        {
            unit.RestoreAutoTransaction = AutoTransactionBehavior.WhenNeeded;
            database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private void RestoreAutoTransaction(UnitOfWork unit)
    {
        if (unit.RestoreAutoTransaction is { } behavior)
        {
            _context.Database.AutoTransactionBehavior = behavior;
            unit.RestoreAutoTransaction = null;
        }
    }

    // Every attempt of a retrying execution strategy commits its own transaction: the relative UPDATEs go into each.
    private async ValueTask WriteBookkeepingBeforeCommitAsync(bool async, CancellationToken cancellationToken)
    {
        if (_unit is { Plan: { } plan, InOwnTransaction: true, Writing: true } unit)
        {
            await WriteRelativeUpdatesAsync(plan, async, cancellationToken).ConfigureAwait(false);
            unit.WrittenBeforeCommit = true;
        }
    }

    // The parents' UPDATEs were priced with the SaveChanges they belong to: the command events leave them be.
    private async ValueTask WriteRelativeUpdatesAsync(BookkeepingPlan plan, bool async, CancellationToken cancellationToken)
    {
        _runningAdmittedStatement = true;
        try
        {
            foreach (var parent in plan.RelativeWrites)
            {
                await RelativeUpdate.ExecuteAsync(_context, parent, plan.Now, async, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _runningAdmittedStatement = false;
        }
    }

    /// <summary>One SaveChanges between SavingChanges and its end.</summary>
    private sealed class UnitOfWork
    {
        public BookkeepingPlan? Plan { get; set; }

        public LedgerTicket? Ticket { get; set; }

        /// <summary>SaveChanges has created a command: the next commit is its own.</summary>
        public bool Writing { get; set; }

        /// <summary>A command of SaveChanges has executed.</summary>
        public bool CommandsRan { get; set; }

        /// <summary>EF rolled back to its savepoint: the unit's commands are undone.</summary>
        public bool RolledBackToSavepoint { get; set; }

        /// <summary>The relative UPDATEs run before the commit of a transaction SaveChanges begins itself.</summary>
        public bool InOwnTransaction { get; set; }

        public bool WrittenBeforeCommit { get; set; }

        /// <summary>The relative UPDATEs are committed with SaveChanges' own transaction.</summary>
        public bool CommittedWithOwnTransaction { get; set; }

        public AutoTransactionBehavior? RestoreAutoTransaction { get; set; }
    }

    private sealed class QueryCapture
    {
        public DbContext? Context { get; set; }
    }
}
