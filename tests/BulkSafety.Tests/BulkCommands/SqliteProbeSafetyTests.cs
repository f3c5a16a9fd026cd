using BulkSafety.Databases;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// The guard's probes on SQLite can only read: they run under <c>PRAGMA query_only</c> in a savepoint that is rolled
/// back, SQLite itself checks that a probe is one read-only statement, and a predicate is evaluated only when every
/// function SQLite resolves in it is a side-effect-free built-in (or EF Core's own) — never a function the application
/// defined, even under a built-in's name.
/// </summary>
public sealed class SqliteProbeSafetyTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private int _calls;

    public SqliteProbeSafetyTests()
    {
        _connection.Open();
        _connection.CreateFunction("audit", (long id) => Interlocked.Increment(ref _calls) > 0 ? id : id);
        using var context = Context(guarded: false);
        context.Database.EnsureCreated();
        var group = new Group { Name = "g", Description = "d", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        group.Posts.Add(new Post { Body = "a", AuthorId = 1 });
        group.Posts.Add(new Post { Body = "b", AuthorId = 2 });
        context.Groups.Add(group);
        context.SaveChanges();
    }

    [Theory]
    [InlineData("DELETE FROM posts WHERE audit(Id) = Id", "audit()")]
    [InlineData("DELETE FROM posts WHERE Id IN (SELECT audit(Id) FROM posts)", "audit()")]
    [InlineData("UPDATE posts SET Body = 'x' WHERE load_extension('x') IS NULL", "load_extension()")]
    public async Task PredicateCallingAnApplicationFunction_IsNeverEvaluated_AndBlocked(string sql, string named)
    {
        await using var context = Context(guarded: true);

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync(sql));

        Assert.Equal(BulkSafetyRuleIds.UnknownCost, violation.Report.RuleId);
        Assert.Contains(named, violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _calls);
        Assert.Equal(2, Count("posts"));
    }

    [Fact]
    public async Task ApplicationFunctionUnderABuiltInsName_IsNotEvaluated()
    {
        _connection.CreateFunction("upper", (string text) => Interlocked.Increment(ref _calls) > 0 ? text : text);
        await using var context = Context(guarded: true);

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync("DELETE FROM posts WHERE upper(Body) = 'A'"));

        Assert.Contains("upper()", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task PredicateCallingBuiltIns_IsEstimated()
    {
        await using var context = Context(guarded: true);

        var deleted = await context.Database.ExecuteSqlRawAsync("DELETE FROM posts WHERE lower(Body) = 'a' AND length(Body) < 10 AND julianday('now') > 0");

        Assert.Equal(1, deleted);
    }

    [Theory]
    [InlineData("SELECT COUNT(*) FROM posts; DELETE FROM posts", "more than one statement")]
    [InlineData("SELECT COUNT(*) FROM posts; /* done */ ; DELETE FROM posts", "more than one statement")]
    [InlineData("DELETE FROM posts", "DELETE (posts)")]
    [InlineData("PRAGMA query_only = 0", "PRAGMA (query_only)")]
    [InlineData("SELECT COUNT(*) FROM posts WHERE audit(Id) > 0", "audit()")]
    public async Task ProbeText_ThatIsNotOneReadOnlyStatement_IsRefusedBeforeAnythingRuns(string sql, string reason)
    {
        var scope = await DatabaseDialect.Sqlite.OpenProbeScopeAsync(_connection, null, null, async: true, CancellationToken.None);
        try
        {
            var refused = await Assert.ThrowsAsync<ProbeRefusedException>(() => scope.QueryAsync(sql, null, [], r => r.GetInt64(0), async: true, CancellationToken.None).AsTask());
            Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await scope.CloseAsync(async: true);
        }

        Assert.Equal(2, Count("posts"));
        Assert.Equal(0, _calls);
        Assert.Equal(0L, Scalar("PRAGMA query_only"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Scope_IsReadOnly_AndLeavesTheCallersTransactionAsItWas(bool async)
    {
        await using var transaction = await _connection.BeginTransactionAsync();
        Execute("INSERT INTO posts (GroupId, Body, AuthorId, CreatedAt) VALUES (1, 'uncommitted', 3, '2025-01-01')", transaction);

        var scope = await DatabaseDialect.Sqlite.OpenProbeScopeAsync(_connection, transaction, null, async, CancellationToken.None);
        long seen;
        try
        {
            seen = await scope.QueryAsync("SELECT COUNT(*) FROM posts", null, [], r => r.GetInt64(0), async, CancellationToken.None);

            // Even a write that got past every check fails inside the scope.
            var write = Assert.Throws<SqliteException>(() => Execute("DELETE FROM posts", transaction));
            Assert.Contains("readonly", write.Message, StringComparison.Ordinal);
        }
        finally
        {
            await scope.CloseAsync(async);
        }

        Assert.Equal(3, seen);
        Assert.Equal(0L, Scalar("PRAGMA query_only", transaction));
        Execute("INSERT INTO posts (GroupId, Body, AuthorId, CreatedAt) VALUES (1, 'after', 4, '2025-01-01')", transaction);
        await transaction.CommitAsync();
        Assert.Equal(4, Count("posts"));
    }

    [Fact]
    public async Task QueryOnly_IsRestored_WhenAProbeIsCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        var scope = await DatabaseDialect.Sqlite.OpenProbeScopeAsync(_connection, null, null, async: true, CancellationToken.None);
        try
        {
            Assert.Equal(1L, Scalar("PRAGMA query_only"));
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scope.QueryAsync("SELECT COUNT(*) FROM posts", null, [], r => r.GetInt64(0), async: true, cancelled.Token).AsTask());
        }
        finally
        {
            await scope.CloseAsync(async: true);
        }

        Assert.Equal(0L, Scalar("PRAGMA query_only"));
        Execute("DELETE FROM posts WHERE Body = 'a'");
        Assert.Equal(1, Count("posts"));
    }

    [Fact]
    public async Task QueryOnlySetByTheApplication_IsKept()
    {
        Execute("PRAGMA query_only = 1");
        var scope = await DatabaseDialect.Sqlite.OpenProbeScopeAsync(_connection, null, null, async: false, CancellationToken.None);
        await scope.CloseAsync(async: false);

        Assert.Equal(1L, Scalar("PRAGMA query_only"));
    }

    public void Dispose() => _connection.Dispose();

    private IncidentContext Context(bool guarded)
    {
        var options = new DbContextOptionsBuilder<IncidentContext>().UseSqlite(_connection);
        return new IncidentContext((guarded ? options.UseBulkSafety() : options).Options);
    }

    private long Count(string table) => Scalar($"SELECT COUNT(*) FROM {table}");

    private long Scalar(string sql, System.Data.Common.DbTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)transaction;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Execute(string sql, System.Data.Common.DbTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)transaction;
        command.ExecuteNonQuery();
    }
}
