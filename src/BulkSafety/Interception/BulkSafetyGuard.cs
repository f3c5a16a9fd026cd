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
    private const string Blocked = "blocked";
    private const string LetThrough = "let through";
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
        var verdict = guarded.Ledger.Inspect(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute);
        var violation = BudgetRules.CheckUnitOfWork(estimate, options, guarded.RowCounts) ?? BudgetRules.CheckWindow(verdict, estimate, options);
        return BudgetRules.Report(estimate, verdict, options, violation);
    }

    /// <summary>SavingChanges: admits the unit of work or throws <see cref="BulkSafetyViolationException"/>.</summary>
    public async ValueTask AdmitAsync(DbContext context, bool async, CancellationToken cancellationToken)
    {
        var guarded = _contexts.GetValue(context, _resolve);
        if (guarded.InFlight is { } abandoned)
        {
            // The previous SaveChanges never reached SavedChanges or SaveChangesFailed (another interceptor threw).
            guarded.InFlight = null;
            Release(guarded, abandoned);
        }

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
            var ticket = ledger.TryAdmit(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, force: true, out var verdict)!;
            ticket.ChargedAllowance = allowance;
            guarded.InFlight = ticket;
            if ((BudgetRules.CheckUnitOfWork(estimate, options, guarded.RowCounts) ?? BudgetRules.CheckWindow(verdict, estimate, options)) is { } allowed)
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
                ticket = ledger.TryAdmit(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, force: true, out verdict);
            }
            else
            {
                verdict = ledger.Inspect(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute);
            }

            Judge(guarded, estimate, verdict, unitViolation, ticket);
            return;
        }

        var deadline = ledger.Time.GetUtcNow() + BulkSafetyLedger.Window;
        while (true)
        {
            var ticket = ledger.TryAdmit(estimate, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute, force: options.Mode == BulkSafetyMode.Warn, out var verdict);
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
        if (!_contexts.TryGetValue(context, out var guarded) || guarded.InFlight is not { } ticket)
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
        if (_contexts.TryGetValue(context, out var guarded) && guarded.InFlight is { } ticket)
        {
            guarded.InFlight = null;
            Release(guarded, ticket);
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
        Judge(guarded, empty, guarded.Ledger.Inspect(empty, options.MaxBytesPerMinute, options.MaxRewritesPerRowPerMinute), violation, null);
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

        return new GuardedContext(
            _options ?? registration?.Options ?? BulkSafetyOptions.Create(null),
            registration?.Ledger ?? BulkSafetyLedger.Default,
            logger,
            rowCounts);
    }
}
