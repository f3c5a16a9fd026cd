using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkSafety.Bookkeeping;

/// <summary>
/// Applies the model's declared counter caches and touches (<see cref="BookkeepingEntityTypeBuilderExtensions"/>) to
/// every SaveChanges: the plan is computed once EF has detected the changes; parents SaveChanges writes anyway carry
/// their bookkeeping in that write; every other parent gets one relative UPDATE, run after EF's own commands and before
/// the commit of SaveChanges' transaction — or, when the caller owns the transaction, right after SaveChanges inside it.
/// One instance may serve many contexts at once: per-context state lives in a weak table.
/// </summary>
internal sealed class BookkeepingInterceptor : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    private readonly ConditionalWeakTable<DbContext, BookkeepingState> _states = new();

    /// <summary>Adds the interceptor unless the options already carry one (from <c>UseBulkSafety</c> or an earlier call).</summary>
    public static void AddTo(DbContextOptionsBuilder optionsBuilder)
    {
        if (!IsRegistered(optionsBuilder.Options))
        {
            optionsBuilder.AddInterceptors(new BookkeepingInterceptor());
        }
    }

    /// <summary>Whether contexts with these options keep the declared bookkeeping.</summary>
    public static bool IsRegistered(IDbContextOptions options)
        => options.FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<BookkeepingInterceptor>().Any() == true;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Begin(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Begin(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        CompleteAsync(eventData.Context, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await CompleteAsync(eventData.Context, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Abandon(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Abandon(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    // A command of SaveChanges proves that this SaveChanges got past every check and is writing: only then may a commit
    // carry its bookkeeping (a SaveChanges stopped earlier, e.g. by the guard, never reaches SavedChanges or Failed).
    public DbCommand CommandCreated(CommandEndEventData eventData, DbCommand result)
    {
        if (eventData.CommandSource == CommandSource.SaveChanges && eventData.Context is { } context
            && _states.TryGetValue(context, out var state) && state.Plan is not null)
        {
            state.Writing = true;
        }

        return result;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        WriteBeforeCommitAsync(eventData.Context, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await WriteBeforeCommitAsync(eventData.Context, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    private void Begin(DbContext? context)
    {
        if (context is null || BookkeepingModel.For(context.Model).IsEmpty)
        {
            return;
        }

        var state = _states.GetValue(context, static c => new BookkeepingState(c));
        state.Reset();
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            // EF detects the changes right after the SavingChanges interceptors; plan on that detection, not a second one.
            state.AwaitingDetection = true;
            tracker.DetectedAllChanges += state.OnDetectedAllChanges;
        }
        else
        {
            state.PlanNow();
        }
    }

    private async Task CompleteAsync(DbContext? context, bool async, CancellationToken cancellationToken)
    {
        if (context is null || !_states.TryGetValue(context, out var state))
        {
            return;
        }

        try
        {
            if (state.Plan is { } plan)
            {
                if (!state.Committed)
                {
                    // No transaction of SaveChanges' own: the caller's (or none, if the caller turned transactions off).
                    await WriteAsync(context, plan, async, cancellationToken).ConfigureAwait(false);
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
            state.Reset();
        }
    }

    private void Abandon(DbContext? context)
    {
        if (context is not null && _states.TryGetValue(context, out var state))
        {
            state.Reset();
        }
    }

    private async Task WriteBeforeCommitAsync(DbContext? context, bool async, CancellationToken cancellationToken)
    {
        if (context is not null && _states.TryGetValue(context, out var state)
            && state is { Plan: { } plan, InOwnTransaction: true, Writing: true })
        {
            // Every attempt of a retrying execution strategy commits its own transaction: write in each.
            await WriteAsync(context, plan, async, cancellationToken).ConfigureAwait(false);
            state.WrittenBeforeCommit = true;
        }
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _states.TryGetValue(context, out var state) && state.WrittenBeforeCommit)
        {
            state.Committed = true;
        }
    }

    private static async Task WriteAsync(DbContext context, BookkeepingPlan plan, bool async, CancellationToken cancellationToken)
    {
        foreach (var parent in plan.RelativeWrites)
        {
            await RelativeUpdate.ExecuteAsync(context, parent, plan.Now, async, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One context's bookkeeping between SavingChanges and SavedChanges.</summary>
    private sealed class BookkeepingState
    {
        private readonly DbContext _context;
        private readonly BookkeepingModel _model;
        private readonly TimeProvider _clock;
        private AutoTransactionBehavior? _restoreAutoTransaction;

        public BookkeepingState(DbContext context)
        {
            _context = context;
            _model = BookkeepingModel.For(context.Model);
            var services = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
            _clock = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
            OnDetectedAllChanges = (_, _) =>
            {
                _context.ChangeTracker.DetectedAllChanges -= OnDetectedAllChanges;
                if (AwaitingDetection)
                {
                    AwaitingDetection = false;
                    PlanNow();
                }
            };
        }

        public EventHandler<Microsoft.EntityFrameworkCore.ChangeTracking.DetectedChangesEventArgs> OnDetectedAllChanges { get; }

        public bool AwaitingDetection { get; set; }

        public BookkeepingPlan? Plan { get; private set; }

        /// <summary>The relative UPDATEs run before the commit of a transaction SaveChanges begins itself.</summary>
        public bool InOwnTransaction { get; private set; }

        /// <summary>SaveChanges has sent a command: the next commit is its own.</summary>
        public bool Writing { get; set; }

        public bool WrittenBeforeCommit { get; set; }

        /// <summary>The relative UPDATEs are committed with SaveChanges' own transaction.</summary>
        public bool Committed { get; set; }

        public void PlanNow()
        {
            var tracker = _context.ChangeTracker;
            var autoDetect = tracker.AutoDetectChangesEnabled;
            tracker.AutoDetectChangesEnabled = false;
            try
            {
                Plan = BookkeepingPlan.Compute(_context, _model, _clock.GetUtcNow(), apply: true);
            }
            finally
            {
                tracker.AutoDetectChangesEnabled = autoDetect;
            }

            var database = _context.Database;
            if (Plan is null || database.CurrentTransaction is not null || Transaction.Current is not null
                || database.AutoTransactionBehavior == AutoTransactionBehavior.Never)
            {
                return;
            }

            // EF skips its transaction for a single command; the relative UPDATEs must commit with that command.
            InOwnTransaction = true;
            if (database.AutoTransactionBehavior == AutoTransactionBehavior.WhenNeeded)
            {
                _restoreAutoTransaction = AutoTransactionBehavior.WhenNeeded;
                database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
            }
        }

        /// <summary>Forgets the last SaveChanges, also one that never finished, and gives the context back its settings.</summary>
        public void Reset()
        {
            if (AwaitingDetection)
            {
                AwaitingDetection = false;
                _context.ChangeTracker.DetectedAllChanges -= OnDetectedAllChanges;
            }

            if (_restoreAutoTransaction is { } behavior)
            {
                _context.Database.AutoTransactionBehavior = behavior;
                _restoreAutoTransaction = null;
            }

            Plan = null;
            InOwnTransaction = false;
            Writing = false;
            WrittenBeforeCommit = false;
            Committed = false;
        }
    }
}
