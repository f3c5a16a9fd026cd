using System.Runtime.CompilerServices;
using System.Transactions;
using BulkSafety.Budgets;
using BulkSafety.Estimation;
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
        var options = guarded.Options;
        var ledger = guarded.Ledger;
        UnitOfWorkEstimate estimate;
        try
        {
            estimate = UnitOfWorkEstimator.Estimate(context, options.Profile);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            HandleUnestimable(guarded, context, exception);
            return;
        }

        if (estimate.Rows == 0)
        {
            return;
        }

        if (guarded.Logger.IsEnabled(LogLevel.Debug))
        {
            GuardLog.UnitOfWorkEstimated(guarded.Logger, estimate.ContextName, estimate.Rows, estimate.TotalBytes, estimate.Profile.Name, ledger.CommittedBytesInWindow + ledger.PendingBytes);
        }

        if (Allowance.Current is { } allowance && allowance.TryCharge(estimate.TotalBytes))
        {
            var ticket = ledger.TryAdmit(estimate, options, force: true, out var verdict)!;
            ticket.ChargedAllowance = allowance;
            guarded.InFlight = ticket;
            if (BudgetRules.FirstViolation(estimate, verdict, options, guarded.RowCounts) is { } allowed)
            {
                GuardLog.AllowanceUsed(guarded.Logger, allowance.Reason, estimate.ContextName, allowed.RuleId, allowance.Charged, allowance.MaxBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited", allowed.Detail);
                GuardMetrics.Allowance(allowed.RuleId, allowance.Reason);
            }

            return;
        }

        if (BudgetRules.CheckUnitOfWork(estimate, options, guarded.RowCounts) is { } unitViolation)
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

            Judge(guarded, estimate, verdict, unitViolation, ticket);
            return;
        }

        var deadline = ledger.Time.GetUtcNow() + BulkSafetyLedger.Window;
        while (true)
        {
            var ticket = ledger.TryAdmit(estimate, options, force: options.Mode == BulkSafetyMode.Warn, out var verdict);
            var violation = BudgetRules.CheckWindow(verdict, estimate, options);
            if (violation is null)
            {
                guarded.InFlight = ticket;
                return;
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

            Judge(guarded, estimate, verdict, violation, ticket);
            return;
        }
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
        if (context.Database.CurrentTransaction is not null)
        {
            // The caller's transaction: committed or rolled back later (BulkSafetyInterceptor's transaction events).
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
    private static void Judge(GuardedContext guarded, UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyViolation violation, LedgerTicket? ticket)
    {
        var options = guarded.Options;
        var report = BudgetRules.Report(estimate, verdict, options, violation);
        var letThrough = options.Mode == BulkSafetyMode.Warn;
        GuardLog.BudgetExceeded(guarded.Logger, violation.RuleId, letThrough ? LetThrough : Blocked, options.Mode, report);
        GuardMetrics.Violation(violation.RuleId, letThrough ? LetThrough : Blocked, estimate.Profile.Name);
        if (letThrough)
        {
            guarded.InFlight = ticket;
            return;
        }

        throw new BulkSafetyViolationException(report);
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
        Judge(guarded, empty, guarded.Ledger.Inspect(empty, options), violation, null);
    }

    private GuardedContext Resolve(DbContext context)
    {
        var applicationServices = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var registration = applicationServices?.GetService(typeof(BulkSafetyRegistration)) as BulkSafetyRegistration;
        var rowCounts = applicationServices?.GetService(typeof(ITableRowCounts)) as ITableRowCounts ?? UnknownTableRowCounts.Instance;
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
            rowCounts);
        guarded.OnDetectedAllChanges = (_, _) => OnDetectedAllChanges(guarded, context);
        return guarded;
    }
}
