using BulkSafety.Budgets;
using BulkSafety.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BulkSafety.IntegrationTests.Accounting;

/// <summary>A note: a key, a text and a counter.</summary>
public sealed class Note
{
    /// <summary>Primary key.</summary>
    public long Id { get; set; }

    /// <summary>Unbounded text: wide rows make a unit's bytes easy to tell apart.</summary>
    public string? Body { get; set; }

    /// <summary>A counter that updates rewrite.</summary>
    public int Counter { get; set; }
}

/// <summary>The notes of one database.</summary>
public sealed class NotesContext(DbContextOptions<NotesContext> options) : DbContext(options)
{
    /// <summary>The notes.</summary>
    public DbSet<Note> Notes => Set<Note>();
}

/// <summary>
/// A guarded application on one database: its own BulkSafety ledger (AddBulkSafety) driven by a fake clock, contexts
/// from a factory (or a pool), and an unguarded context for counting.
/// </summary>
public sealed class NotesApp : IDisposable
{
    private readonly Action<DbContextOptionsBuilder> _useDatabase;
    private readonly ServiceProvider _services;

    /// <param name="useDatabase">Configures the provider and connection of the application's database.</param>
    /// <param name="configure">The budgets (AddBulkSafety).</param>
    /// <param name="pooled">Contexts from AddDbContextPool (one pooled instance) instead of a factory.</param>
    /// <param name="extra">More configuration of the guarded contexts' options (interceptors, strategies).</param>
    /// <param name="sharedLedger">An application whose ledger this one records into, as contexts of one process share one.</param>
    public NotesApp(Action<DbContextOptionsBuilder> useDatabase, Action<BulkSafetyOptions>? configure = null, bool pooled = false, Action<DbContextOptionsBuilder>? extra = null, NotesApp? sharedLedger = null)
    {
        _useDatabase = useDatabase;
        var services = new ServiceCollection().AddSingleton<TimeProvider>(Clock).AddBulkSafety(configure);
        if (sharedLedger is not null)
        {
            services.AddSingleton(sharedLedger._services.GetRequiredService<BulkSafetyRegistration>());
        }

        Action<DbContextOptionsBuilder> options = o =>
        {
            useDatabase(o);
            o.UseBulkSafety();
            extra?.Invoke(o);
        };
        if (pooled)
        {
            services.AddPooledDbContextFactory<NotesContext>(options, poolSize: 1);
        }
        else
        {
            services.AddDbContextFactory<NotesContext>(options);
        }

        _services = services.BuildServiceProvider();
        using var context = Unguarded();
        context.Database.EnsureDeleted();
        context.Database.EnsureCreated();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero));

    internal BulkSafetyLedger Ledger => _services.GetRequiredService<BulkSafetyRegistration>().Ledger;

    /// <summary>The application's services, for contexts configured by hand.</summary>
    public IServiceProvider Services => _services;

    /// <summary>A guarded context: new, or leased from the pool (disposing it returns it).</summary>
    public NotesContext Guarded() => _services.GetRequiredService<IDbContextFactory<NotesContext>>().CreateDbContext();

    public NotesContext Unguarded()
    {
        var options = new DbContextOptionsBuilder<NotesContext>();
        _useDatabase(options);
        return new NotesContext(options.Options);
    }

    public long Count()
    {
        using var context = Unguarded();
        return context.Notes.LongCount();
    }

    /// <summary>What the guard estimates for adding these notes on a fresh context, without saving.</summary>
    public long EstimateOf(params Note[] notes)
    {
        using var context = Guarded();
        context.Notes.AddRange(notes.Select(n => new Note { Id = n.Id, Body = n.Body, Counter = n.Counter }));
        return context.EstimatePendingChanges().EstimatedBytes;
    }

    public void Dispose() => _services.Dispose();
}
