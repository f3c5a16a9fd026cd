using BulkSafety.Budgets;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Interception;

/// <summary>
/// The guard's state for one context instance: the options, ledger, logger and row counts resolved for it once, the
/// unit of work between SavingChanges and SavedChanges, and the units waiting for the context's explicit transaction.
/// (A bulk command's unit is held by the command interceptor between its Executing and Executed events.)
/// </summary>
internal sealed class GuardedContext
{
    private readonly List<LedgerTicket> _awaitingTransaction = [];

    public GuardedContext(BulkSafetyOptions options, BulkSafetyLedger ledger, ILogger logger, ITableRowCounts? registeredRowCounts, ITableRowCounts rowCounts)
    {
        Options = options;
        Ledger = ledger;
        Logger = logger;
        RegisteredRowCounts = registeredRowCounts;
        RowCounts = rowCounts;
    }

    public BulkSafetyOptions Options { get; }

    public BulkSafetyLedger Ledger { get; }

    public ILogger Logger { get; }

    /// <summary>Row counts registered in the application's services (tests); they replace the database's own.</summary>
    public ITableRowCounts? RegisteredRowCounts { get; }

    /// <summary>The row counts SaveChanges' blast-radius budget asks: the registered ones, else the database's.</summary>
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
