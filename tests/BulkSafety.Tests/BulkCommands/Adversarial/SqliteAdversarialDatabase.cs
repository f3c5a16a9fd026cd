using System.Data.Common;
using System.Text.RegularExpressions;
using BulkSafety.Testing.AdversarialSql;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.BulkCommands.Adversarial;

/// <summary>
/// The adversarial suite's SQLite: a fresh in-memory database per run, with the application's callbacks on every
/// connection — <c>audit(x)</c>, a <c>regexp</c> that replaces EF Core's, a <c>unicode</c> that shadows the built-in, and
/// the <c>audit_coll</c> collation (declared by <c>notes.text</c> and by <c>aux.extra.v</c> of an attached database) —
/// each counting its calls, so that a probe that evaluates one is seen.
/// </summary>
public sealed class SqliteAdversarialDatabase : AdversarialDatabase, IDisposable
{
    private const string Schema = """
        CREATE TABLE items (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, body TEXT, views INTEGER NOT NULL);
        CREATE TABLE tags (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE, label TEXT NOT NULL);
        CREATE TABLE slots (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE ON CONFLICT REPLACE);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, slot_id INTEGER REFERENCES slots (id) ON DELETE SET NULL, text TEXT NOT NULL COLLATE audit_coll);
        CREATE TABLE "Odd Table" ("Key" INTEGER PRIMARY KEY, "Where" INTEGER NOT NULL, "Quote""d" TEXT NOT NULL);
        ATTACH ':memory:' AS aux;
        CREATE TABLE aux.extra (id INTEGER PRIMARY KEY, v TEXT NOT NULL COLLATE audit_coll);
        INSERT INTO aux.extra (id, v) VALUES (1, 'b'), (2, 'a');
        """;

    private static readonly string[] Tables = ["items", "tags", "slots", "notes", "\"Odd Table\""];

    // Not the model's: a table of an attached database, only read by statements.
    private static readonly string[] OtherTables = ["aux.extra"];

    private readonly ServiceProvider _services;
    private readonly Dictionary<int, DbContextOptions<AdversarialContext>> _guarded = [];
    private readonly DbContextOptions<AdversarialContext> _unguarded;
    private SqliteConnection? _connection;
    private long _auditCalls;
    private long _regexpCalls;
    private long _unicodeCalls;
    private long _collationCalls;

    public SqliteAdversarialDatabase()
    {
        _services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(Log).SetMinimumLevel(LogLevel.Debug))
            .AddBulkSafety(Budgets(null))
            .BuildServiceProvider();
        _unguarded = new DbContextOptionsBuilder<AdversarialContext>().UseSqlite().Options;
    }

    public override IReadOnlyList<string> DataTables => Tables;

    public override async Task ResetAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _connection = new SqliteConnection("Data Source=:memory:;Foreign Keys=True");
        await _connection.OpenAsync();
        _connection.CreateCollation("audit_coll", (x, y) => Interlocked.Increment(ref _collationCalls) > 0 ? string.CompareOrdinal(x, y) : 0);
        await using var command = _connection.CreateCommand();
        command.CommandText = Schema + AdversarialContext.Seed;
        await command.ExecuteNonQueryAsync();
        (_auditCalls, _regexpCalls, _unicodeCalls, _collationCalls) = (0, 0, 0, 0);
    }

    public override async Task<DatabaseState> ReadStateAsync()
        => (await DatabaseState.ReadAsync(_connection!, null, [.. Tables, .. OtherTables]))
            .WithCounter("audit() calls", Interlocked.Read(ref _auditCalls))
            .WithCounter("regexp() calls", Interlocked.Read(ref _regexpCalls))
            .WithCounter("unicode() calls", Interlocked.Read(ref _unicodeCalls))
            .WithCounter("audit_coll comparisons", Interlocked.Read(ref _collationCalls));

    public override Task ExecuteAsync(IReadOnlyList<string> commands) => ExecuteOnAsync(_connection!, commands);

    public void Dispose()
    {
        _connection?.Dispose();
        _services.Dispose();
    }

    protected override DbContext CreateContext(bool guarded, int? maxRows)
    {
        var context = new AdversarialContext(guarded ? GuardedOptions(maxRows) : _unguarded);
        context.Database.SetDbConnection(_connection);
        return context;
    }

    protected override DbParameter CreateParameter(string name, object? value) => new SqliteParameter(name, value ?? DBNull.Value);

    // After EF has opened (and initialised) the connection: the application's own functions win over EF's regexp.
    protected override Task PrepareConnectionAsync(DbConnection connection)
    {
        var sqlite = (SqliteConnection)connection;
        sqlite.CreateFunction("audit", (long id) => Interlocked.Increment(ref _auditCalls) > 0 ? id : id);
        sqlite.CreateFunction("regexp", (string pattern, string? input) => Interlocked.Increment(ref _regexpCalls) > 0 && input is not null && Regex.IsMatch(input, pattern));
        sqlite.CreateFunction("unicode", (string? text) => Interlocked.Increment(ref _unicodeCalls) > 0 && text is { Length: > 0 } ? (long?)text[0] : null);
        return Task.CompletedTask;
    }

    private DbContextOptions<AdversarialContext> GuardedOptions(int? maxRows)
    {
        var key = maxRows ?? 0;
        if (!_guarded.TryGetValue(key, out var options))
        {
            options = new DbContextOptionsBuilder<AdversarialContext>()
                .UseSqlite()
                .UseApplicationServiceProvider(_services)
                .UseLoggerFactory(_services.GetRequiredService<ILoggerFactory>())
                .UseBulkSafety(Budgets(maxRows))
                .Options;
            _guarded[key] = options;
        }

        return options;
    }
}
