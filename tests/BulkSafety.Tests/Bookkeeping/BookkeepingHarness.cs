using System.Collections.Concurrent;
using System.Data.Common;
using BulkSafety.Bookkeeping;
using BulkSafety.Budgets;
using BulkSafety.Configuration;
using BulkSafety.Interception;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>
/// A SQLite database (in memory, one connection) with the <see cref="CountedContext"/> schema and foreign keys enforced,
/// a fake clock for the touches, and a recorder of every command the bookkeeping contexts send. Contexts come with the
/// declared bookkeeping applied (<c>UseBulkSafetyBookkeeping</c>, or <c>UseBulkSafety</c> when a guard is configured);
/// <see cref="Plain"/> gives one without it, for seeding and counting.
/// </summary>
internal sealed class BookkeepingHarness : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly ServiceProvider _services;
    private readonly Action<BulkSafetyOptions>? _guard;

    /// <param name="guard">Configures the runtime guard; <see langword="null"/> applies the bookkeeping without it.</param>
    public BookkeepingHarness(Action<BulkSafetyOptions>? guard = null)
    {
        _guard = guard;
        _connection.Open();
        using (var pragma = _connection.CreateCommand())
        {
            // EF turns foreign keys on only for connections it opens itself; this one is opened here.
            pragma.CommandText = "PRAGMA foreign_keys = ON;";
            pragma.ExecuteNonQuery();
        }

        var services = new ServiceCollection().AddSingleton<TimeProvider>(Clock);
        if (guard is not null)
        {
            services.AddBulkSafety(guard);
        }

        _services = services.BuildServiceProvider();
        using var context = Plain();
        context.Database.EnsureCreated();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero));

    public CommandRecorder Commands { get; } = new();

    /// <summary>The guard's process-wide ledger (only with a guard).</summary>
    public BulkSafetyLedger Ledger => _services.GetRequiredService<BulkSafetyRegistration>().Ledger;

    /// <summary>A context that keeps the declared bookkeeping, with its commands recorded.</summary>
    public CountedContext Context(params IInterceptor[] interceptors)
    {
        var options = Options().AddInterceptors(Commands);
        if (_guard is null)
        {
            options.UseBulkSafetyBookkeeping();
        }
        else
        {
            options.UseBulkSafety();
        }

        return new CountedContext(options.AddInterceptors(interceptors).Options);
    }

    /// <summary>A context on the same database that ignores the declarations.</summary>
    public CountedContext Plain() => new(Options().Options);

    /// <summary>Seeds groups with posts (authored round-robin by <paramref name="authors"/> authors) and memberships, counters right.</summary>
    public long[] Seed(int groups, int postsPerGroup, int membershipsPerGroup = 0, int authors = 0, int descriptionBytes = 1_000)
    {
        using var context = Plain();
        var authorRows = Enumerable.Range(0, authors).Select(i => new CountedAuthor { Name = $"author {i}" }).ToList();
        context.Authors.AddRange(authorRows);
        var groupRows = new List<CountedGroup>();
        for (var g = 0; g < groups; g++)
        {
            var group = new CountedGroup
            {
                Name = $"group {g}",
                Description = new string('d', descriptionBytes),
                PostsCount = postsPerGroup,
                MembershipsCount = membershipsPerGroup,
                UpdatedAt = Clock.GetUtcNow().UtcDateTime.AddDays(-1),
            };
            for (var p = 0; p < postsPerGroup; p++)
            {
                var author = authors == 0 ? null : authorRows[(g * postsPerGroup + p) % authors];
                group.Posts.Add(new CountedPost { Body = $"post {p}", Author = author });
                if (author is not null)
                {
                    author.PostsCount++;
                }
            }

            for (var m = 0; m < membershipsPerGroup; m++)
            {
                group.Memberships.Add(new CountedMembership { UserId = m });
            }

            groupRows.Add(group);
        }

        context.Groups.AddRange(groupRows);
        context.SaveChanges();
        return [.. groupRows.Select(g => g.Id)];
    }

    /// <summary>Every group's and author's counters as stored, beside COUNT(*) of their rows.</summary>
    public void AssertCountersMatchRows()
    {
        using var context = Plain();
        foreach (var group in context.Groups.AsNoTracking().Select(g => new { g.Id, g.PostsCount, g.MembershipsCount, Posts = g.Posts.Count(), Memberships = g.Memberships.Count() }).ToList())
        {
            Assert.True(group.PostsCount == group.Posts, $"group {group.Id}: PostsCount {group.PostsCount}, COUNT(*) {group.Posts}");
            Assert.True(group.MembershipsCount == group.Memberships, $"group {group.Id}: MembershipsCount {group.MembershipsCount}, COUNT(*) {group.Memberships}");
        }

        foreach (var author in context.Authors.AsNoTracking().Select(a => new { a.Id, a.PostsCount, Posts = a.Posts.Count() }).ToList())
        {
            Assert.True(author.PostsCount == author.Posts, $"author {author.Id}: PostsCount {author.PostsCount}, COUNT(*) {author.Posts}");
        }
    }

    public CountedGroup StoredGroup(long id)
    {
        using var context = Plain();
        return context.Groups.AsNoTracking().Single(g => g.Id == id);
    }

    public void Dispose()
    {
        _services.Dispose();
        _connection.Dispose();
    }

    private DbContextOptionsBuilder<CountedContext> Options()
        => new DbContextOptionsBuilder<CountedContext>().UseSqlite(_connection).UseApplicationServiceProvider(_services);
}

/// <summary>Records the source, text and row key (for single-row UPDATEs) of every command a context sends.</summary>
internal sealed partial class CommandRecorder : DbCommandInterceptor
{
    private readonly ConcurrentQueue<RecordedCommand> _commands = new();

    public IReadOnlyList<RecordedCommand> All => [.. _commands];

    /// <summary>The UPDATE statements sent for a table, e.g. <c>groups</c>.</summary>
    public IReadOnlyList<RecordedCommand> Updates(string table)
        => [.. All.Where(c => c.Text.StartsWith($"UPDATE \"{table}\"", StringComparison.Ordinal))];

    public void Clear() => _commands.Clear();

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        // EF's UPDATE (WHERE "Id" = @p3) and ExecuteUpdate's (WHERE "c"."Id" = @Value): the key's parameter value.
        var key = KeyParameter().Match(result.CommandText) is { Success: true } match && result.Parameters.Contains(match.Groups[1].Value)
            ? result.Parameters[match.Groups[1].Value].Value
            : null;
        _commands.Enqueue(new RecordedCommand(eventData.CommandSource, result.CommandText, key));
        return result;
    }

    [System.Text.RegularExpressions.GeneratedRegex("""WHERE (?:"\w+"\.)?"Id" = (@\w+)""")]
    private static partial System.Text.RegularExpressions.Regex KeyParameter();
}

/// <param name="Key">The value of the row key an UPDATE or DELETE names, when it names one by a parameter.</param>
internal sealed record RecordedCommand(CommandSource Source, string Text, object? Key);
