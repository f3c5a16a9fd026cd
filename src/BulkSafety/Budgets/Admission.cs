using System.Globalization;
using BulkSafety.Estimation;
using BulkSafety.Interception;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Budgets;

/// <summary>
/// The one admission policy for every unit of work — a SaveChanges, a bulk command, a batch of a batched job: its
/// per-unit budgets first, then the rolling window (where the <see cref="Pacing"/> may wait for room), and for the first
/// budget that still does not hold, an open allowance (charged), else the mode: Warn lets the unit through, Enforce and
/// Throttle throw <see cref="BulkSafetyViolationException"/> before anything is written. Work the guard cannot price at
/// all (BS9006) takes the same last two steps.
/// </summary>
internal sealed class Admission(BulkSafetyLedger ledger, GuardMetrics metrics, ILogger logger)
{
    /// <summary>The <c>action</c> of a violation the guard stopped, in logs and metrics.</summary>
    public const string Blocked = "blocked";

    /// <summary>The <c>action</c> of a violation Warn mode let through.</summary>
    public const string LetThrough = "let through";

    public BulkSafetyLedger Ledger => ledger;

    public GuardMetrics Metrics => metrics;

    public ILogger Logger => logger;

    /// <summary>Admits <paramref name="estimate"/> or throws; the ticket is to be committed or released once the work has run.</summary>
    public async ValueTask<LedgerTicket> AdmitAsync(UnitOfWorkEstimate estimate, BulkSafetyOptions budgets, ITableRowCounts rowCounts, Pacing pacing, bool async, CancellationToken cancellationToken)
    {
        var level = estimate.TotalBytes >= budgets.LogUnitsOfWorkFromBytes ? LogLevel.Information : LogLevel.Debug;
        if (logger.IsEnabled(level))
        {
            var profile = budgets.ProfileBasis is { } basis ? $"{estimate.Profile.Name} ({basis})" : estimate.Profile.Name;
            GuardLog.UnitOfWorkEstimated(logger, level, estimate.ContextName, estimate.Operation, estimate.Rows, estimate.TotalBytes, profile, ledger.CommittedBytesInWindow + ledger.PendingBytes);
        }

        if (BudgetRules.CheckUnitOfWork(estimate, budgets, rowCounts) is { } unitViolation)
        {
            return Exceeded(estimate, budgets, unitViolation, ledger.Inspect(estimate, budgets))!;
        }

        while (true)
        {
            if (ledger.TryAdmit(estimate, budgets, force: false, out var verdict) is { } ticket)
            {
                await pacing.EndWaitAsync(async).ConfigureAwait(false);
                return ticket;
            }

            var violation = BudgetRules.CheckWindow(verdict, estimate, budgets)!;
            if (!await pacing.WaitAsync(estimate, verdict, violation, async, cancellationToken).ConfigureAwait(false))
            {
                return Exceeded(estimate, budgets, violation, verdict)!;
            }
        }
    }

    /// <summary>
    /// A violation found outside the budgets' own checks — work that cannot be priced (BS9006), a batched job's blast
    /// radius over its whole filter — takes the policy's last two steps: an allowance lets it through, Warn lets it
    /// through, otherwise it is blocked. Nothing is recorded for it in the window.
    /// </summary>
    public void Judge(UnitOfWorkEstimate estimate, BulkSafetyOptions budgets, BulkSafetyViolation violation)
    {
        var ticket = Exceeded(estimate, budgets, violation, ledger.Inspect(estimate, budgets));
        if (ticket is not null)
        {
            ledger.Release(ticket);
        }
    }

    /// <summary>Commits a unit that has run into the window.</summary>
    public void Commit(LedgerTicket ticket)
    {
        ledger.Commit(ticket);
        metrics.Committed(ticket.Estimate);
    }

    /// <summary>Releases a unit that left nothing in the database, refunding its allowance.</summary>
    public void Release(LedgerTicket ticket)
    {
        if (ledger.Release(ticket))
        {
            ticket.ChargedAllowance?.Refund(ticket.Estimate.TotalBytes);
        }
    }

    // The budget that stands: an open allowance with room takes the unit (charged) — unless it is a limit of the server,
    // which would fail the work anyway — Warn lets it through, Enforce and Throttle throw before anything is written.
    private LedgerTicket? Exceeded(UnitOfWorkEstimate estimate, BulkSafetyOptions budgets, BulkSafetyViolation violation, LedgerVerdict verdict)
    {
        if (!BudgetRules.IsEngineLimit(violation.RuleId) && Allowance.Current is { } allowance && allowance.TryCharge(estimate.TotalBytes))
        {
            GuardLog.AllowanceUsed(logger, allowance.Reason, estimate.ContextName, violation.RuleId, allowance.Charged, allowance.MaxBytes?.ToString(CultureInfo.InvariantCulture) ?? "unlimited", violation.Detail);
            metrics.Allowance(violation.RuleId, allowance.Reason);
            var allowed = ledger.TryAdmit(estimate, budgets, force: true, out _)!;
            allowed.ChargedAllowance = allowance;
            return allowed;
        }

        var report = BudgetRules.Report(estimate, verdict, budgets, violation);
        var letThrough = budgets.Mode == BulkSafetyMode.Warn;
        GuardLog.BudgetExceeded(logger, violation.RuleId, letThrough ? LetThrough : Blocked, budgets.Mode, report);
        metrics.Violation(violation.RuleId, letThrough ? LetThrough : Blocked, estimate.Profile.Name);
        return letThrough ? ledger.TryAdmit(estimate, budgets, force: true, out _) : throw new BulkSafetyViolationException(report);
    }
}

/// <summary>Whether, and how, a unit over the rolling window waits for room before the policy gives up on it.</summary>
internal abstract class Pacing
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);

    /// <summary>No waiting: Enforce and Warn.</summary>
    public static Pacing None { get; } = new NoPacing();

    /// <summary>Waits for room and returns <see langword="true"/> to try again, or <see langword="false"/> to give up.</summary>
    public abstract ValueTask<bool> WaitAsync(UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyViolation violation, bool async, CancellationToken cancellationToken);

    /// <summary>The unit was admitted: a wait, if any, is over.</summary>
    public virtual ValueTask EndWaitAsync(bool async) => ValueTask.CompletedTask;

    /// <summary>
    /// Starts a sleep of <paramref name="wait"/> (at least 10 ms) on <paramref name="time"/>. The timer exists when this
    /// returns: start it before announcing the wait, so that whoever reacts to the announcement (a test advancing a fake
    /// clock) cannot move time past a timer not yet created.
    /// </summary>
    protected static Task StartDelay(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
        => Task.Delay(AtLeastMinimumWait(wait), time, cancellationToken);

    /// <summary><paramref name="wait"/>, or 10 ms when shorter: the one floor of every pacing wait.</summary>
    protected static TimeSpan AtLeastMinimumWait(TimeSpan wait) => wait < MinimumWait ? MinimumWait : wait;

    /// <summary>Waits for a <see cref="StartDelay"/>, blocking the thread on the synchronous path.</summary>
    protected static async ValueTask SleepAsync(Task delay, bool async)
    {
        if (async)
        {
            await delay.ConfigureAwait(false);
        }
        else
        {
            delay.GetAwaiter().GetResult();
        }
    }

    private sealed class NoPacing : Pacing
    {
        public override ValueTask<bool> WaitAsync(UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyViolation violation, bool async, CancellationToken cancellationToken)
            => ValueTask.FromResult(false);
    }
}

/// <summary>Throttle mode: waits for room in the window as long as the wait ends within one window from the first try.</summary>
internal sealed class ThrottlePacing(BulkSafetyLedger ledger, GuardMetrics metrics, ILogger logger) : Pacing
{
    private DateTimeOffset? _deadline;

    public override async ValueTask<bool> WaitAsync(UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyViolation violation, bool async, CancellationToken cancellationToken)
    {
        var now = ledger.Time.GetUtcNow();
        _deadline ??= now + BulkSafetyLedger.Window;
        if (verdict.RetryAfter is not { } retryAfter || now + retryAfter > _deadline)
        {
            return false;
        }

        var delay = StartDelay(retryAfter, ledger.Time, cancellationToken);
        GuardLog.Throttling(logger, estimate.ContextName, retryAfter.TotalSeconds, violation.Detail);
        metrics.Throttled(retryAfter, violation.RuleId);
        await SleepAsync(delay, async).ConfigureAwait(false);
        return true;
    }
}
