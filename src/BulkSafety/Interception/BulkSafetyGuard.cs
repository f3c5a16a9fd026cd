using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Transactions;
using BulkSafety.Budgets;
using BulkSafety.Estimation;
using BulkSafety.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkSafety.Interception;

/// <summary>
/// The runtime guard behind <see cref="BulkSafetyInterceptor"/>: estimates a context's pending changes, judges them
/// against the budgets and the process-wide ledger, and enforces, warns or throttles. Shared by every context whose
/// options carry the interceptor, so it keeps per-context state in a weak table.
/// </summary>
internal sealed class BulkSafetyGuard
{
    /// <summary>The <c>action</c> of a violation the guard stopped, in logs and metrics.</summary>
    public const string Blocked = "blocked";

    /// <summary>The <c>action</c> of a violation Warn mode let through.</summary>
    public const string LetThrough = "let through";

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);

    private readonly BulkSafetyOptions? _options;
    private readonly ConditionalWeakTable<DbContext, GuardedContext> _contexts = new();
    private readonly ConditionalWeakTable<DbContext, GuardedContext>.CreateValueCallback _resolve;

    /// <param name="options">This context's options, or <see langword="null"/> to use those of <c>AddBulkSafety</c> or the defaults.</param>
    public BulkSafetyGuard(BulkSafetyOptions? options)
    {
        _options = options;
        _resolve = Resolve;
    }

    /// <summary>Estimates and judges the pending changes without saving or recording anything.</summary>
    public BulkSafetyReport EstimatePending(DbContext context)
    {
        var guarded = _contexts.GetValue(context, _resolve);
        var options = guarded.Options;
        var estimate = UnitOfWorkEstimator.Estimate(context, options.Profile);
        var verdict = guarded.Ledger.Inspect(estimate, options);
        return BudgetRules.Report(estimate, verdict, options, BudgetRules.FirstViolation(estimate, verdict, options, guarded.RowCounts));
    }

    /// <summary>The guard's state for <paramref name="context"/>: its options, the shared ledger, its logger and row counts.</summary>
    public GuardedContext StateOf(DbContext context) => _contexts.GetValue(context, _resolve);

    /// <summary>
    /// SavingChanges: admits the unit of work or throws <see cref="BulkSafetyViolationException"/>. With automatic
    /// change detection on, EF runs DetectChanges right after the SavingChanges interceptors; the unit is then judged
    /// from EF's <see cref="Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker.DetectedAllChanges"/> event instead of
    /// detecting the changes a second time here. Throttle mode judges here, where it can wait asynchronously.
    /// </summary>
    public async ValueTask AdmitAsync(DbContext context, bool async, CancellationToken cancellationToken)
    {
        var guarded = _contexts.GetValue(context, _resolve);
        ForgetUnfinishedSave(guarded, context);
        var tracker = context.ChangeTracker;
        if (guarded.Options.Mode != BulkSafetyMode.Throttle && tracker.AutoDetectChangesEnabled)
        {
            guarded.AwaitingDetectedChanges = true;
            tracker.DetectedAllChanges += guarded.OnDetectedAllChanges;
            return;
        }

        await JudgeAsync(guarded, context, async, cancellationToken).ConfigureAwait(false);
    }

    private static void ForgetUnfinishedSave(GuardedContext guarded, DbContext context)
    {
        // A previous SaveChanges that never reached SavedChanges or SaveChangesFailed: another interceptor threw.
        if (guarded.AwaitingDetectedChanges)
        {
            guarded.AwaitingDetectedChanges = false;
            context.ChangeTracker.DetectedAllChanges -= guarded.OnDetectedAllChanges;
        }

        if (guarded.InFlight is { } abandoned)
        {
            guarded.InFlight = null;
            Release(guarded, abandoned);
        }
    }

    // EF's own DetectChanges inside SaveChanges has finished: judge the unit on the detected state, without detecting
    // again while estimating. A violation thrown here leaves SaveChanges before any command, unwrapped.
    private void OnDetectedAllChanges(GuardedContext guarded, DbContext context)
    {
        var tracker = context.ChangeTracker;
        tracker.DetectedAllChanges -= guarded.OnDetectedAllChanges;
        if (!guarded.AwaitingDetectedChanges)
        {
            return;
        }

        guarded.AwaitingDetectedChanges = false;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            // Not Throttle mode, so nothing awaits: the judgement completes synchronously.
            JudgeAsync(guarded, context, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = true;
        }
    }

    private static async ValueTask JudgeAsync(GuardedContext guarded, DbContext context, bool async, CancellationToken cancellationToken)
    {
        UnitOfWorkEstimate estimate;
        try
        {
            estimate = UnitOfWorkEstimator.Estimate(context, guarded.Options.Profile);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            HandleUnestimable(guarded, context, exception);
            return;
        }

        if (estimate.Rows > 0)
        {
            guarded.InFlight = await AdmitAsync(guarded, estimate, guarded.RowCounts, async, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Judges an estimated unit of work — a SaveChanges or a bulk command — against the budgets: an open allowance lets
    /// it through, Enforce throws, Warn logs, Throttle waits for room in the window. Returns the admitted ticket, to be
    /// committed or released once the work has run.
    /// </summary>
    private static async ValueTask<LedgerTicket?> AdmitAsync(GuardedContext guarded, UnitOfWorkEstimate estimate, ITableRowCounts rowCounts, bool async, CancellationToken cancellationToken)
    {
        var options = guarded.Options;
        var ledger = guarded.Ledger;
        if (guarded.Logger.IsEnabled(LogLevel.Debug))
        {
            GuardLog.UnitOfWorkEstimated(guarded.Logger, estimate.ContextName, estimate.Operation, estimate.Rows, estimate.TotalBytes, estimate.Profile.Name, ledger.CommittedBytesInWindow + ledger.PendingBytes);
        }

        if (Allowance.Current is { } allowance && allowance.TryCharge(estimate.TotalBytes))
        {
            var ticket = ledger.TryAdmit(estimate, options, force: true, out var verdict)!;
            ticket.ChargedAllowance = allowance;
            if (BudgetRules.FirstViolation(estimate, verdict, options, rowCounts) is { } allowed)
            {
                AllowanceUsed(guarded, allowance, estimate.ContextName, allowed);
            }

            return ticket;
        }

        if (BudgetRules.CheckUnitOfWork(estimate, options, rowCounts) is { } unitViolation)
        {
            // No wait makes a unit of work smaller: Throttle blocks it like Enforce; only Warn admits it.
            LedgerTicket? ticket = null;
            LedgerVerdict verdict;
            if (options.Mode == BulkSafetyMode.Warn)
            {
                ticket = ledger.TryAdmit(estimate, options, force: true, out verdict);
            }
            else
            {
                verdict = ledger.Inspect(estimate, options);
            }

            return Judge(guarded, estimate, verdict, unitViolation, ticket);
        }

        var deadline = ledger.Time.GetUtcNow() + BulkSafetyLedger.Window;
        while (true)
        {
            var ticket = ledger.TryAdmit(estimate, options, force: options.Mode == BulkSafetyMode.Warn, out var verdict);
            var violation = BudgetRules.CheckWindow(verdict, estimate, options);
            if (violation is null)
            {
                return ticket;
            }

            if (options.Mode == BulkSafetyMode.Throttle && verdict.RetryAfter is { } retryAfter && ledger.Time.GetUtcNow() + retryAfter <= deadline)
            {
                var wait = retryAfter < MinimumWait ? MinimumWait : retryAfter;
                GuardLog.Throttling(guarded.Logger, estimate.ContextName, wait.TotalSeconds, violation.Detail);
                GuardMetrics.Throttled(wait, violation.RuleId);
                var delay = Task.Delay(wait, ledger.Time, cancellationToken);
                if (async)
                {
                    await delay.ConfigureAwait(false);
                }
                else
                {
                    delay.GetAwaiter().GetResult();
                }

                continue;
            }

            return Judge(guarded, estimate, verdict, violation, ticket);
        }
    }

    private static void AllowanceUsed(GuardedContext guarded, Allowance allowance, string contextName, BulkSafetyViolation allowed)
    {
        GuardLog.AllowanceUsed(guarded.Logger, allowance.Reason, contextName, allowed.RuleId, allowance.Charged, allowance.MaxBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited", allowed.Detail);
        GuardMetrics.Allowance(allowed.RuleId, allowance.Reason);
    }

    /// <summary>
    /// A bulk command (<c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, raw DELETE/UPDATE) is about to run: estimates it with
    /// probes on its own connection and judges it like a SaveChanges. Returns the admitted ticket, which
    /// <see cref="CommandExecuted"/> or <see cref="CommandFailed"/> settles; throws before execution in Enforce mode.
    /// </summary>
    public async ValueTask<LedgerTicket?> AdmitCommandAsync(DbContext context, DbCommand command, BulkCommand bulk, bool async, CancellationToken cancellationToken)
    {
        var guarded = _contexts.GetValue(context, _resolve);
        BulkCommandEstimate result;
        try
        {
            result = await BulkCommandEstimator.EstimateAsync(context, command, bulk, guarded.Options, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            result = BulkCommandEstimate.Unknown(bulk.Operation, $"the estimate failed ({exception.GetType().Name}: {exception.Message})");
        }

        if (result.Estimate is not { } estimate)
        {
            HandleUnknownCommand(guarded, context, result.Operation, result.UnknownReason!);
            return null;
        }

        if (estimate.Rows == 0)
        {
            return null;
        }

        var rowCounts = guarded.RegisteredRowCounts ?? (result.TableRows is { Count: > 0 } known ? new KnownTableRowCounts(known) : UnknownTableRowCounts.Instance);
        return await AdmitAsync(guarded, estimate, rowCounts, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A bulk command ran: its ticket enters the window when its transaction commits.</summary>
    public void CommandExecuted(DbContext context, LedgerTicket ticket)
    {
        if (_contexts.TryGetValue(context, out var guarded))
        {
            Settle(guarded, context, ticket);
        }
    }

    /// <summary>A bulk command failed or was cancelled: it wrote nothing and counts nothing.</summary>
    public void CommandFailed(DbContext context, LedgerTicket ticket)
    {
        if (_contexts.TryGetValue(context, out var guarded))
        {
            Release(guarded, ticket);
        }
    }

    // A bulk command that cannot be estimated: Allow lets it through; an open allowance, or Warn mode, lets it through
    // logged as a violation; otherwise it is blocked as unknown cost (BS9006) — AssumeConservative has no conservative
    // size for a statement of unknown reach.
    private static void HandleUnknownCommand(GuardedContext guarded, DbContext context, string operation, string reason)
    {
        var options = guarded.Options;
        var contextName = context.GetType().Name;
        GuardLog.CommandNotEstimated(guarded.Logger, operation, contextName, reason, options.OnUnknown);
        if (options.OnUnknown == UnknownCostPolicy.Allow)
        {
            return;
        }

        var empty = new UnitOfWorkEstimate(options.Profile, contextName, operation);
        empty.Complete();
        var violation = new BulkSafetyViolation(
            BulkSafetyRuleIds.UnknownCost,
            nameof(BulkSafetyOptions.OnUnknown),
            0,
            1,
            $"{BulkSafetyRuleIds.UnknownCost}: the {operation} cannot be estimated before it runs ({reason}), and OnUnknown is {options.OnUnknown}.",
            "Write the statement as a single-table DELETE/UPDATE with a WHERE clause (or use ExecuteDelete/ExecuteUpdate), in bounded batches; run it inside BulkSafetyScope.Allow(reason) if it is known to be safe; or set OnUnknown to Allow to let commands the guard cannot estimate through.");
        if (Allowance.Current is { } allowance && allowance.TryCharge(0))
        {
            AllowanceUsed(guarded, allowance, contextName, violation);
            return;
        }

        Judge(guarded, empty, guarded.Ledger.Inspect(empty, options), violation, null);
    }

    /// <summary>SavedChanges: the unit of work is written; it enters the window when its transaction commits.</summary>
    public void Saved(DbContext context)
    {
        if (!_contexts.TryGetValue(context, out var guarded))
        {
            return;
        }

        if (guarded.AwaitingDetectedChanges)
        {
            // EF did not detect changes after all (detection turned off by a later interceptor): nothing was judged.
            guarded.AwaitingDetectedChanges = false;
            context.ChangeTracker.DetectedAllChanges -= guarded.OnDetectedAllChanges;
        }

        if (guarded.InFlight is not { } ticket)
        {
            return;
        }

        guarded.InFlight = null;
        Settle(guarded, context, ticket);
    }

    // Written work counts once its transaction commits: the context's explicit transaction (settled by the transaction
    // events), an ambient TransactionScope, or — without either — at once.
    private static void Settle(GuardedContext guarded, DbContext context, LedgerTicket ticket)
    {
        if (context.Database.CurrentTransaction is not null)
        {
            guarded.AwaitTransaction(ticket);
        }
        else if (Transaction.Current is { } ambient)
        {
            ambient.TransactionCompleted += (_, completed) =>
            {
                if (completed.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
                {
                    Commit(ticket, guarded);
                }
                else
                {
                    Release(guarded, ticket);
                }
            };
        }
        else
        {
            Commit(ticket, guarded);
        }
    }

    /// <summary>SaveChangesFailed or SaveChangesCanceled: nothing was committed, nothing is counted.</summary>
    public void Failed(DbContext context)
    {
        if (_contexts.TryGetValue(context, out var guarded))
        {
            ForgetUnfinishedSave(guarded, context);
        }
    }

    /// <summary>The context's explicit transaction ended: its units of work count if it committed.</summary>
    public void TransactionEnded(DbContext context, bool committed)
    {
        if (!_contexts.TryGetValue(context, out var guarded))
        {
            return;
        }

        foreach (var ticket in guarded.TakeAwaitingTransaction())
        {
            if (committed)
            {
                Commit(ticket, guarded);
            }
            else
            {
                Release(guarded, ticket);
            }
        }
    }

    private static void Commit(LedgerTicket ticket, GuardedContext guarded)
    {
        guarded.Ledger.Commit(ticket);
        GuardMetrics.Committed(ticket.Estimate);
    }

    private static void Release(GuardedContext guarded, LedgerTicket ticket)
    {
        if (guarded.Ledger.Release(ticket))
        {
            ticket.ChargedAllowance?.Refund(ticket.Estimate.TotalBytes);
        }
    }

    // Warn lets the unit through (it was admitted by force); Enforce and Throttle throw before anything is written.
    private static LedgerTicket? Judge(GuardedContext guarded, UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyViolation violation, LedgerTicket? ticket)
    {
        var options = guarded.Options;
        var report = BudgetRules.Report(estimate, verdict, options, violation);
        var letThrough = options.Mode == BulkSafetyMode.Warn;
        GuardLog.BudgetExceeded(guarded.Logger, violation.RuleId, letThrough ? LetThrough : Blocked, options.Mode, report);
        GuardMetrics.Violation(violation.RuleId, letThrough ? LetThrough : Blocked, estimate.Profile.Name);
        return letThrough ? ticket : throw new BulkSafetyViolationException(report);
    }

    // An estimator failure must never surface from SaveChanges: OnUnknown decides between letting the work through
    // unrecorded and blocking it as unknown cost.
    private static void HandleUnestimable(GuardedContext guarded, DbContext context, Exception exception)
    {
        var options = guarded.Options;
        var contextName = context.GetType().Name;
        GuardLog.EstimateFailed(guarded.Logger, exception, contextName, options.OnUnknown);
        if (options.OnUnknown != UnknownCostPolicy.Block || options.Mode == BulkSafetyMode.Warn)
        {
            return;
        }

        var empty = new UnitOfWorkEstimate(options.Profile, contextName);
        empty.Complete();
        var violation = new BulkSafetyViolation(
            BulkSafetyRuleIds.UnknownCost,
            nameof(BulkSafetyOptions.OnUnknown),
            0,
            1,
            $"{BulkSafetyRuleIds.UnknownCost}: the unit of work could not be estimated ({exception.GetType().Name}: {exception.Message}) and OnUnknown is Block.",
            "Report the estimator failure; meanwhile set OnUnknown to AssumeConservative to let such work through unrecorded.");
        guarded.InFlight = Judge(guarded, empty, guarded.Ledger.Inspect(empty, options), violation, null);
    }

    private GuardedContext Resolve(DbContext context)
    {
        var applicationServices = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var registration = applicationServices?.GetService(typeof(BulkSafetyRegistration)) as BulkSafetyRegistration;
        var rowCounts = applicationServices?.GetService(typeof(ITableRowCounts)) as ITableRowCounts;
        ILogger logger;
        try
        {
            logger = context.GetService<ILoggerFactory>().CreateLogger(BulkSafetyInfo.Name);
        }
        catch (InvalidOperationException)
        {
            logger = NullLogger.Instance;
        }

        var guarded = new GuardedContext(
            _options ?? registration?.Options ?? BulkSafetyOptions.Create(null),
            registration?.Ledger ?? BulkSafetyLedger.Default,
            logger,
            rowCounts,
            rowCounts ?? new DatabaseTableRowCounts(context));
        guarded.OnDetectedAllChanges = (_, _) => OnDetectedAllChanges(guarded, context);
        return guarded;
    }
}
