using BulkSafety.Budgets;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Interception;

/// <summary>
/// The guard's state for one context instance: the options, ledger, logger and row counts resolved for it once, the
/// unit of work between SavingChanges and SavedChanges, and the units waiting for the context's explicit transaction.
/// </summary>
internal sealed class GuardedContext
{
    private readonly List<LedgerTicket> _awaitingTransaction = [];

    public GuardedContext(BulkSafetyOptions options, BulkSafetyLedger ledger, ILogger logger, ITableRowCounts rowCounts)
    {
        Options = options;
        Ledger = ledger;
        Logger = logger;
        RowCounts = rowCounts;
    }

    public BulkSafetyOptions Options { get; }

    public BulkSafetyLedger Ledger { get; }

    public ILogger Logger { get; }

    public ITableRowCounts RowCounts { get; }

    /// <summary>The unit of work admitted by SavingChanges and not yet saved or failed.</summary>
    public LedgerTicket? InFlight { get; set; }

    /// <summary>Set by SavingChanges when the unit of work is judged once EF has detected the changes.</summary>
    public bool AwaitingDetectedChanges { get; set; }

    /// <summary>The context's <see cref="ChangeTracker.DetectedAllChanges"/> handler, subscribed for one SaveChanges at a time.</summary>
    public EventHandler<DetectedChangesEventArgs>? OnDetectedAllChanges { get; set; }

    public void AwaitTransaction(LedgerTicket ticket)
    {
        lock (_awaitingTransaction)
        {
            _awaitingTransaction.Add(ticket);
        }
    }

    public LedgerTicket[] TakeAwaitingTransaction()
    {
        lock (_awaitingTransaction)
        {
            LedgerTicket[] tickets = [.. _awaitingTransaction];
            _awaitingTransaction.Clear();
            return tickets;
        }
    }
}
