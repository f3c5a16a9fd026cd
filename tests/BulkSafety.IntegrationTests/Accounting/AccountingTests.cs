using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkSafety.IntegrationTests.Accounting;

/// <summary>
/// Exact accounting: what the guard charges to the rolling window is what the database kept — commit, rollback,
/// dispose without commit, rollback to a savepoint, execution-strategy retries, transactions longer than the window,
/// failures after some commands ran — and each database keeps its own hot rows. The same scenarios run on SQLite and
/// PostgreSQL (the subclasses give the database).
/// </summary>
public abstract class AccountingTests
{
    private static readonly string Wide = new('w', 20_000);

    /// <summary>Whether a failed statement dooms its transaction (PostgreSQL) rather than only itself (SQLite).</summary>
    protected abstract bool FailedStatementAbortsTransaction { get; }

    /// <summary>Whether two databases of this engine in the tests live on one server (and so fill one log).</summary>
    protected abstract bool DatabasesShareAServer { get; }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Commit_ChargesTheWork_Rollback_ChargesNothing(bool async)
    {
        using var app = CreateApp();
        var bytes = app.EstimateOf(new Note { Body = Wide });
        await using var context = app.Guarded();

        await using (var rolledBack = await Begin(context, async))
        {
            context.Notes.Add(new Note { Body = Wide });
            await Save(context, async);
            Assert.Equal(bytes, app.Ledger.PendingBytes);
            await End(rolledBack, commit: false, async);
        }

        context.ChangeTracker.Clear();
        await using (var committed = await Begin(context, async))
        {
            context.Notes.Add(new Note { Body = Wide });
            await Save(context, async);
            await End(committed, commit: true, async);
        }

        Assert.Equal((bytes, 0L, 1L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransactionDisposedWithoutCommit_ChargesNothing_AndTheNextCommitOnlyItsOwn(bool async)
    {
        using var app = CreateApp();
        var small = app.EstimateOf(new Note { Body = "small" });
        await using var context = app.Guarded();
        await using (await Begin(context, async))
        {
            context.Notes.Add(new Note { Body = Wide });
            await Save(context, async);
        }

        context.ChangeTracker.Clear();
        await using (var next = await Begin(context, async))
        {
            context.Notes.Add(new Note { Body = "small" });
            await Save(context, async);
            await End(next, commit: true, async);
        }

        Assert.Equal((small, 0L, 1L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RollbackToASavepoint_ThenCommit_ChargesOnlyWhatStays(bool async)
    {
        using var app = CreateApp();
        var kept = app.EstimateOf(new Note { Body = "kept" });
        await using var context = app.Guarded();
        await using var transaction = await Begin(context, async);
        context.Notes.Add(new Note { Body = "kept" });
        await Save(context, async);
        await (async ? transaction.CreateSavepointAsync("before_wide") : Task.Run(() => transaction.CreateSavepoint("before_wide")));
        context.Notes.Add(new Note { Body = Wide });
        await Save(context, async);

        if (async)
        {
            await transaction.RollbackToSavepointAsync("before_wide");
        }
        else
        {
            transaction.RollbackToSavepoint("before_wide");
        }

        await End(transaction, commit: true, async);

        Assert.Equal((kept, 0L, 1L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransactionLongerThanTheWindow_IsChargedAtCommit(bool async)
    {
        using var app = CreateApp();
        var bytes = app.EstimateOf(new Note { Body = Wide });
        await using var context = app.Guarded();
        await using var transaction = await Begin(context, async);
        context.Notes.Add(new Note { Body = Wide });
        await Save(context, async);

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(bytes, app.Ledger.PendingBytes);
        await End(transaction, commit: true, async);

        Assert.Equal(bytes, app.Ledger.CommittedBytesInWindow);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(0, app.Ledger.CommittedBytesInWindow);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RetriedSaveChanges_IsChargedOnce(bool async)
    {
        var failOnce = new FailFirstCommit();
        using var app = CreateApp(extra: o => o.AddInterceptors(failOnce), retryOnTransientFailure: true);
        var bytes = app.EstimateOf(new Note { Body = Wide }, new Note { Body = Wide });
        await using var context = app.Guarded();
        context.Notes.AddRange(new Note { Body = Wide }, new Note { Body = Wide });

        await Save(context, async);

        Assert.Equal(2, failOnce.Attempts);
        Assert.Equal((bytes, 0L, 2L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailureAfterSomeCommands_OutsideATransaction_ChargesNothing(bool async)
    {
        using var app = CreateApp();
        var existing = Seed(app, 1)[0];
        await using var context = app.Guarded();
        context.Notes.AddRange(new Note { Body = Wide }, new Note { Id = existing, Body = "duplicate key" });

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Save(context, async));

        Assert.Equal((0L, 0L, 1L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task FailureAfterSomeCommands_InsideACallersTransaction_ChargesWhatTheCommitKeeps(bool async, bool savepoints)
    {
        using var app = CreateApp();
        var existing = Seed(app, 1)[0];
        var unit = app.EstimateOf(new Note { Body = Wide }, new Note { Id = existing + 1000, Body = "duplicate key" });
        await using var context = app.Guarded();
        context.Database.AutoSavepointsEnabled = savepoints;
        await using var transaction = await Begin(context, async);
        context.Notes.AddRange(new Note { Body = Wide }, new Note { Id = existing, Body = "duplicate key" });

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Save(context, async));
        try
        {
            await End(transaction, commit: true, async);
        }
        catch (DbException)
        {
            // A doomed transaction may refuse the commit: it rolled back either way.
        }

        // EF rolled back to its savepoint: nothing of the unit stays. Without savepoints the commands that ran stay —
        // unless the engine doomed the transaction at the failure — and the unit is charged whole (an upper bound).
        var kept = app.Count() - 1;
        Assert.Equal(savepoints || FailedStatementAbortsTransaction ? 0 : kept, kept);
        Assert.Equal((kept > 0 ? unit : 0, 0L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes));
    }

    [Fact]
    public void UseBulkSafetyTwice_CountsEachUnitOnce()
    {
        using var app = CreateApp(extra: o => o.UseBulkSafety().UseBulkSafety(b => b.MaxRowsPerUnitOfWork = 5));
        var bytes = app.EstimateOf(new Note { Body = Wide });
        using var context = app.Guarded();
        context.Notes.Add(new Note { Body = Wide });

        context.SaveChanges();
        context.Notes.AddRange(Enumerable.Range(0, 6).Select(_ => new Note { Body = "x" }));

        Assert.Equal(bytes, app.Ledger.CommittedBytesInWindow);
        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges()).Report.RuleId);
    }

    [Fact]
    public void TwoDatabases_KeepTheirOwnHotRows()
    {
        using var first = CreateApp(o => o.MaxRewritesPerRowPerMinute = 3, database: 1);
        using var second = CreateApp(o => o.MaxRewritesPerRowPerMinute = 3, database: 2, sharedLedger: first);
        var id = Seed(first, 1)[0];
        Assert.Equal(id, Seed(second, 1)[0]);

        // The same table and key, rewritten three times in each database: within the budget in both.
        foreach (var app in new[] { first, second })
        {
            using var context = app.Guarded();
            var note = context.Notes.Single();
            for (var i = 0; i < 3; i++)
            {
                note.Counter++;
                context.SaveChanges();
            }
        }

        using var again = first.Guarded();
        again.Notes.Single().Counter++;
        Assert.Equal(BulkSafetyRuleIds.HotRow, Assert.Throws<BulkSafetyViolationException>(() => again.SaveChanges()).Report.RuleId);
    }

    [Fact]
    public void TwoDatabases_ShareTheWindowOnlyOnOneServer()
    {
        var unit = 0L;
        using (var probe = CreateApp(database: 3))
        {
            unit = probe.EstimateOf(new Note { Body = Wide });
        }

        // Budget for one and a half units: the second unit fits only if it goes to another server's log.
        using var first = CreateApp(o => o.MaxBytesPerMinute = unit * 3 / 2, database: 3);
        using var second = CreateApp(o => o.MaxBytesPerMinute = unit * 3 / 2, database: 4, sharedLedger: first);
        using (var context = first.Guarded())
        {
            context.Notes.Add(new Note { Body = Wide });
            context.SaveChanges();
        }

        using var other = second.Guarded();
        other.Notes.Add(new Note { Body = Wide });
        var error = Record.Exception(() => other.SaveChanges());

        Assert.Equal(DatabasesShareAServer, error is BulkSafetyViolationException { Report.RuleId: BulkSafetyRuleIds.BytesPerMinute });
    }

    [Fact]
    public async Task PooledContext_ForgetsItsLeaseWhenReturned()
    {
        using var app = CreateApp(pooled: true);
        var small = app.EstimateOf(new Note { Body = "small" });
        await using (var first = app.Guarded())
        {
            await first.Database.BeginTransactionAsync();
            first.Notes.Add(new Note { Body = Wide });
            await first.SaveChangesAsync();
        }

        Assert.Equal(0, app.Ledger.PendingBytes);
        await using (var second = app.Guarded())
        {
            await using var transaction = await second.Database.BeginTransactionAsync();
            second.Notes.Add(new Note { Body = "small" });
            await second.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.Equal((small, 0L, 1L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Fact]
    public void ContextsWithTwentyFiveBudgetSets_ShareOneInternalServiceProvider()
    {
        using var app = CreateApp(database: 5);
        var services = new HashSet<object>(ReferenceEqualityComparer.Instance);
        for (var rows = 1; rows <= 25; rows++)
        {
            var budget = rows;
            var options = new DbContextOptionsBuilder<NotesContext>();
            UseDatabase(options, database: 5, retryOnTransientFailure: false);
            using var context = new NotesContext(options.UseBulkSafety(o => o.MaxRowsPerUnitOfWork = budget).Options);

            // A singleton of EF's internal service provider: the same instance means the same provider.
            services.Add(context.GetService<IModelSource>());
            context.Notes.AddRange(Enumerable.Range(0, budget + 1).Select(_ => new Note { Body = "x" }));
            Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, context.EstimatePendingChanges().RuleId);
            context.ChangeTracker.Clear();
            context.Notes.AddRange(Enumerable.Range(0, budget).Select(_ => new Note { Body = "x" }));
            context.SaveChanges();
        }

        Assert.Single(services);
        Assert.Equal(25 * 26 / 2, app.Count());
    }

    /// <summary>Configures the provider and connection of this test's database number <paramref name="database"/>.</summary>
    protected abstract void UseDatabase(DbContextOptionsBuilder options, int database, bool retryOnTransientFailure);

    /// <summary>A guarded application on this test's database number <paramref name="database"/>.</summary>
    private NotesApp CreateApp(Action<BulkSafetyOptions>? configure = null, int database = 0, bool pooled = false, Action<DbContextOptionsBuilder>? extra = null, bool retryOnTransientFailure = false, NotesApp? sharedLedger = null)
        => new(o => UseDatabase(o, database, retryOnTransientFailure), configure, pooled, extra, sharedLedger);

    /// <summary>A strategy that retries a SaveChanges whose commit failed with <see cref="TransientCommitException"/>.</summary>
    protected static ExecutionStrategy RetryOnTransientCommitFailure(ExecutionStrategyDependencies dependencies) => new RetryingStrategy(dependencies);

    private static long[] Seed(NotesApp app, int count)
    {
        using var context = app.Unguarded();
        var notes = Enumerable.Range(0, count).Select(_ => new Note { Body = "seed" }).ToArray();
        context.Notes.AddRange(notes);
        context.SaveChanges();
        return [.. notes.Select(n => n.Id)];
    }

    private static async Task<IDbContextTransaction> Begin(NotesContext context, bool async)
        => async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();

    private static async Task End(IDbContextTransaction transaction, bool commit, bool async)
    {
        if (commit)
        {
            await (async ? transaction.CommitAsync() : Task.Run(transaction.Commit));
        }
        else
        {
            await (async ? transaction.RollbackAsync() : Task.Run(transaction.Rollback));
        }
    }

    private static async Task Save(NotesContext context, bool async)
    {
        if (async)
        {
            await context.SaveChangesAsync();
        }
        else
        {
            context.SaveChanges();
        }
    }

    /// <summary>A commit lost to a passing fault.</summary>
    protected sealed class TransientCommitException() : Exception("the commit was lost (a test's transient fault)");

    /// <summary>Fails the first commit it sees, as a passing fault would.</summary>
    private sealed class FailFirstCommit : DbTransactionInterceptor
    {
        public int Attempts { get; private set; }

        public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
            => ++Attempts == 1 ? throw new TransientCommitException() : result;

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            => ++Attempts == 1 ? throw new TransientCommitException() : ValueTask.FromResult(result);
    }

    private sealed class RetryingStrategy(ExecutionStrategyDependencies dependencies) : ExecutionStrategy(dependencies, maxRetryCount: 2, maxRetryDelay: TimeSpan.FromMilliseconds(10))
    {
        protected override bool ShouldRetryOn(Exception exception) => exception is TransientCommitException;
    }
}
