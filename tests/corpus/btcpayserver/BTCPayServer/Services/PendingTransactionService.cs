using BTCPayServer.Data;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Services;

public record CheckForExpiryEvent;

public class PendingTransactionService
{
    private readonly ApplicationDbContextFactory _dbContextFactory;

    public PendingTransactionService(ApplicationDbContextFactory dbContextFactory) => _dbContextFactory = dbContextFactory;

    public async Task ProcessEvent(object evt, CancellationToken cancellationToken)
    {
        if (evt is CheckForExpiryEvent)
        {
            await using var ctx = _dbContextFactory.CreateContext();
            var pendingTransactions = await ctx.PendingTransactions
                .Where(p => p.Expiry <= DateTimeOffset.UtcNow && p.State == PendingTransactionState.Pending)
                .ToArrayAsync(cancellationToken: cancellationToken);
            foreach (var pendingTransaction in pendingTransactions)
            {
                pendingTransaction.State = PendingTransactionState.Expired;
            }

            await ctx.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task CancelPendingTransaction(string cryptoCode, string storeId, string transactionId)
    {
        await using var ctx = _dbContextFactory.CreateContext();
        var pt = await ctx.PendingTransactions.FirstOrDefaultAsync(p =>
            p.CryptoCode == cryptoCode && p.StoreId == storeId && p.TransactionId == transactionId &&
            (p.State == PendingTransactionState.Pending || p.State == PendingTransactionState.Signed));
        if (pt is null)
        {
            return;
        }

        pt.State = PendingTransactionState.Cancelled;
        await ctx.SaveChangesAsync();
    }
}
