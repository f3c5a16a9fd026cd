using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.Interception;

/// <summary>
/// The EF Core side of the guard: SaveChanges events admit, record or release units of work; transaction events
/// settle the units written inside an explicit transaction. Sync and async overrides delegate to the same
/// <see cref="BulkSafetyGuard"/> methods.
/// </summary>
internal sealed class BulkSafetyInterceptor : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public BulkSafetyInterceptor(BulkSafetyOptions? options) => Guard = new BulkSafetyGuard(options);

    public BulkSafetyGuard Guard { get; }

    /// <summary>The guard's interceptor among <paramref name="context"/>'s interceptors, or <see langword="null"/> when it is not guarded.</summary>
    public static BulkSafetyInterceptor? Find(DbContext context)
        => context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<BulkSafetyInterceptor>().FirstOrDefault();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context)
        {
            Guard.AdmitAsync(context, async: false, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            await Guard.AdmitAsync(context, async: true, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Failed(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Failed(eventData);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData, committed: true);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData, committed: true);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData, committed: false);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData, committed: false);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Ended(eventData, committed: false);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData, committed: false);
        return Task.CompletedTask;
    }

    private void Saved(DbContextEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            Guard.Saved(context);
        }
    }

    private void Failed(DbContextEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            Guard.Failed(context);
        }
    }

    private void Ended(DbContextEventData eventData, bool committed)
    {
        if (eventData.Context is { } context)
        {
            Guard.TransactionEnded(context, committed);
        }
    }
}
