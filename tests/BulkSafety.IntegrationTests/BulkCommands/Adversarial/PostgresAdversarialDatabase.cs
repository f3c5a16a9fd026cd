using System.Data.Common;
using System.Runtime.CompilerServices;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.Testing.AdversarialSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BulkSafety.IntegrationTests.BulkCommands.Adversarial;

/// <summary>
/// The adversarial suite's PostgreSQL: a database of its own on the fixture's server, created once per server, reseeded
/// before every run. Besides the model's tables it holds a table inheriting <c>items</c>, a same-named <c>decoy.items</c>,
/// and the side effects a probe must never cause: <c>audit_log</c> written by <c>audit()</c> and <c>noisy_eq()</c> (behind
/// the operator <c>===</c>), the sequence <c>adv_seq</c>, and advisory locks taken by functions behind a <c>LIKE</c>
/// operator and casts between built-in types (an implicit one only while the case that needs it runs) — a lock of its
/// own per call, so that a probe's calls show beside the statement's. Runs take pooled sessions, which Npgsql resets (<c>DISCARD ALL</c>) before reuse, so
/// session state cannot leak from one run into the next.
/// </summary>
public sealed class PostgresAdversarialDatabase : AdversarialDatabase, IAsyncDisposable
{
    private const string DatabaseName = "bulksafety_adversarial";

    private const string Extras = """
        CREATE TABLE items_archive () INHERITS (items);
        CREATE SCHEMA decoy;
        CREATE TABLE decoy.items (id bigint PRIMARY KEY, owner_id bigint NOT NULL, code text NOT NULL, title text NOT NULL, body text, views integer NOT NULL);
        CREATE TABLE audit_log (id bigserial PRIMARY KEY, what text NOT NULL);
        CREATE SEQUENCE adv_seq;
        CREATE DOMAIN code_e AS text;
        CREATE FUNCTION audit(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log (what) VALUES ('audit ' || id); RETURN true; END $$;
        CREATE FUNCTION stable_lock(id bigint) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT pg_advisory_lock(id) IS NOT NULL $$;
        CREATE FUNCTION noisy_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN INSERT INTO audit_log (what) VALUES ('noisy_eq'); RETURN a = b; END $$;
        CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = noisy_eq);
        CREATE FUNCTION locking_like(a bigint, b text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN PERFORM pg_advisory_lock(4242, (random() * 2147483647)::int); RETURN a::text LIKE b; END $$;
        CREATE OPERATOR ~~ (LEFTARG = bigint, RIGHTARG = text, FUNCTION = locking_like);
        CREATE FUNCTION locking_text(a smallint) RETURNS text LANGUAGE plpgsql VOLATILE AS $$ BEGIN PERFORM pg_advisory_lock(4343, (random() * 2147483647)::int); RETURN a::integer::text; END $$;
        CREATE CAST (smallint AS text) WITH FUNCTION locking_text(smallint);
        CREATE FUNCTION locking_interval(a smallint) RETURNS interval LANGUAGE plpgsql VOLATILE AS $$ BEGIN PERFORM pg_advisory_lock(4444, (random() * 2147483647)::int); RETURN make_interval(days => a); END $$;
        CREATE PROCEDURE purge_owner(o bigint) LANGUAGE sql AS $$ DELETE FROM items WHERE owner_id = o $$;
        """;

    private const string ReseedPrefix = """
        TRUNCATE items, tags, slots, notes, "Odd Table", audit_log, decoy.items RESTART IDENTITY CASCADE;
        """;

    private const string ReseedSuffix = """
        INSERT INTO items_archive (id, owner_id, code, title, body, views) VALUES (101, 1, 'A-101', 'archived 101', NULL, 0), (102, 3, 'A-102', 'archived 102', 'old', 0);
        INSERT INTO decoy.items (id, owner_id, code, title, body, views) VALUES (1, 1, 'D-1', 'decoy 1', NULL, 0), (2, 2, 'D-2', 'decoy 2', NULL, 0);
        SELECT setval('adv_seq', 1, false);
        """;

    private static readonly string[] Tables = ["ONLY items", "items_archive", "tags", "slots", "notes", "\"Odd Table\"", "decoy.items"];

    private static readonly string[] SideTables = ["audit_log"];

    private static readonly ConditionalWeakTable<PostgresServer, Task<PostgresAdversarialDatabase>> Databases = new();

    private readonly string _connectionString;
    private readonly ServiceProvider _services;
    private readonly Dictionary<int, DbContextOptions<AdversarialContext>> _guarded = [];
    private readonly DbContextOptions<AdversarialContext> _unguarded;
    private NpgsqlConnection _observer;

    private PostgresAdversarialDatabase(string connectionString)
    {
        _connectionString = connectionString;
        _services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(Log).SetMinimumLevel(LogLevel.Debug))
            .AddBulkSafety(Budgets(null))
            .BuildServiceProvider();
        _unguarded = new DbContextOptionsBuilder<AdversarialContext>().UseNpgsql(connectionString).Options;
        _observer = new NpgsqlConnection(connectionString);
    }

    public override IReadOnlyList<string> DataTables => Tables;

    /// <summary>The suite's database on <paramref name="server"/>, created on first use.</summary>
    public static Task<PostgresAdversarialDatabase> ForAsync(PostgresServer server)
        => Databases.GetValue(server, CreateAsync);

    // A session of the suite's own reads and reseeds; a new one when the server has been restarted since (other tests of
    // the collection restart it).
    public override async Task ResetAsync()
    {
        try
        {
            await using var probe = new NpgsqlCommand("SELECT 1", _observer);
            await probe.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            await _observer.DisposeAsync();
            NpgsqlConnection.ClearPool(_observer);
            _observer = new NpgsqlConnection(_connectionString);
            await _observer.OpenAsync();
        }

        await using var command = new NpgsqlCommand(ReseedPrefix + AdversarialContext.Seed + ReseedSuffix, _observer);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<DatabaseState> ReadStateAsync()
    {
        var state = await DatabaseState.ReadAsync(_observer, null, [.. Tables, .. SideTables]);
        await using var counters = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'), (SELECT last_value || ' ' || is_called FROM adv_seq)", _observer);
        await using var reader = await counters.ExecuteReaderAsync();
        await reader.ReadAsync();
        return state.WithCounter("advisory locks held", reader.GetInt64(0)).WithCounter("adv_seq", reader.GetString(1));
    }

    public override Task ExecuteAsync(IReadOnlyList<string> commands) => ExecuteOnAsync(_observer, commands);

    public async ValueTask DisposeAsync()
    {
        await _observer.DisposeAsync();
        await _services.DisposeAsync();
    }

    protected override DbContext CreateContext(bool guarded, int? maxRows)
        => new AdversarialContext(guarded ? GuardedOptions(maxRows) : _unguarded);

    protected override DbParameter CreateParameter(string name, object? value) => new NpgsqlParameter(name, value ?? DBNull.Value);

    // Session-level advisory locks outlive the transaction; the run has been read back, so they go before the next (a
    // session the run broke has ended, and its locks with it).
    protected override async Task EndRunAsync(DbConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", (NpgsqlConnection)connection);
        await unlock.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresAdversarialDatabase> CreateAsync(PostgresServer server)
    {
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)");
        await server.ExecuteAsync($"CREATE DATABASE {DatabaseName}");
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = DatabaseName, Pooling = true }.ConnectionString;
        var database = new PostgresAdversarialDatabase(connectionString);
        await using (var context = new AdversarialContext(database._unguarded))
        {
            await context.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
        }

        await database._observer.OpenAsync();
        await using var extras = new NpgsqlCommand(Extras, database._observer);
        await extras.ExecuteNonQueryAsync();
        return database;
    }

    private DbContextOptions<AdversarialContext> GuardedOptions(int? maxRows)
    {
        var key = maxRows ?? 0;
        if (!_guarded.TryGetValue(key, out var options))
        {
            options = new DbContextOptionsBuilder<AdversarialContext>()
                .UseNpgsql(_connectionString)
                .UseApplicationServiceProvider(_services)
                .UseLoggerFactory(_services.GetRequiredService<ILoggerFactory>())
                .UseBulkSafety(Budgets(maxRows))
                .Options;
            _guarded[key] = options;
        }

        return options;
    }
}
