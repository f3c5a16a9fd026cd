using BulkSafety.Budgets;
using BulkSafety.Configuration;
using BulkSafety.Databases;
using BulkSafety.Interception;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BulkSafety.Tests.Infrastructure;

/// <summary>
/// One guarded application: a SQLite database with the incident schema, a service provider with its own BulkSafety
/// ledger (so tests do not share the process-wide default), a fake clock driving the rolling window, and a captured log.
/// The database is in memory on one connection, or — for contexts saving in parallel — a temporary file that each
/// context opens on its own connection.
/// </summary>
internal sealed class GuardHarness : IDisposable
{
    private readonly SqliteConnection? _connection;
    private readonly string? _file;
    private readonly ServiceProvider _services;

    public GuardHarness(Action<BulkSafetyOptions>? configure = null, Action<IServiceCollection>? services = null, bool parallelWriters = false, params IInterceptor[] interceptors)
    {
        if (parallelWriters)
        {
            _file = Path.Combine(Path.GetTempPath(), $"bulksafety-{Guid.NewGuid():N}.db");
        }
        else
        {
            _connection = new SqliteConnection("Data Source=:memory:");
            _connection.Open();
        }

        var collection = new ServiceCollection()
            .AddSingleton<TimeProvider>(Clock)
            .AddLogging(logging => logging.AddProvider(Log).SetMinimumLevel(LogLevel.Trace))
            .AddBulkSafety(configure)
            .AddDbContextFactory<IncidentContext>(options => UseDatabase(options).UseBulkSafety().AddInterceptors(interceptors));
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider();
        using var context = Unguarded();
        context.Database.EnsureCreated();
    }

    /// <summary>Starts at a fixed instant; tests advance it to move the rolling window.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero));

    public CapturedLog Log { get; } = new();

    public BulkSafetyLedger Ledger => _services.GetRequiredService<BulkSafetyRegistration>().Ledger;

    /// <summary>The database the guarded contexts write to, as the ledger keys it.</summary>
    public DatabaseIdentity Database
    {
        get
        {
            using var context = Unguarded();
            return DatabaseIdentity.Of(context.Database.GetDbConnection());
        }
    }

    public IncidentContext Guarded() => _services.GetRequiredService<IDbContextFactory<IncidentContext>>().CreateDbContext();

    /// <summary>A context on the same database without the guard, for seeding and counting.</summary>
    public IncidentContext Unguarded()
    {
        var options = new DbContextOptionsBuilder<IncidentContext>();
        UseDatabase(options);
        return new(options.Options);
    }

    /// <summary>Seeds one group with <paramref name="posts"/> posts and returns its id.</summary>
    public long SeedGroup(int descriptionBytes, int posts = 0, int memberships = 0, string? html = null)
    {
        using var context = Unguarded();
        var group = new Group
        {
            Name = "spam",
            Description = new string('d', descriptionBytes),
            DescriptionHtml = html,
            PostsCount = posts,
            MembershipsCount = memberships,
            CreatedAt = Clock.GetUtcNow().UtcDateTime,
            UpdatedAt = Clock.GetUtcNow().UtcDateTime,
        };
        for (var i = 0; i < posts; i++)
        {
            group.Posts.Add(new Post { Body = "post body", AuthorId = i });
        }

        for (var i = 0; i < memberships; i++)
        {
            group.Memberships.Add(new Membership { UserId = i });
        }

        context.Groups.Add(group);
        context.SaveChanges();
        return group.Id;
    }

    public int Count<T>()
        where T : class
    {
        using var context = Unguarded();
        return context.Set<T>().Count();
    }

    public void Dispose()
    {
        _services.Dispose();
        _connection?.Dispose();
        if (_file is not null)
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_file);
        }
    }

    private DbContextOptionsBuilder UseDatabase(DbContextOptionsBuilder options)
        => _connection is not null ? options.UseSqlite(_connection) : options.UseSqlite($"Data Source={_file};Default Timeout=60");
}
