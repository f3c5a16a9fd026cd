using System.Data.Common;
using System.Runtime.CompilerServices;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.Testing.AdversarialSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The adversarial suite's MariaDB: a database of its own on the fixture's server, created once per server, reseeded
/// before every run, driven through Pomelo. The model's tables are InnoDB. The side effects a probe must never cause:
/// <c>audit_log</c> (InnoDB) written by the stored function <c>audit()</c>; <c>audit_myisam</c> (MyISAM, which no rollback
/// undoes) written by <c>audit_m()</c> (both declared DETERMINISTIC, as a binlogging server requires of a function that
/// writes — a claim nothing checks) and by the view <c>audited_items</c> that calls it; the sequence <c>adv_seq</c>
/// (NOCACHE, so each NEXTVAL shows); and the named lock <c>adv</c>. Connections are unpooled: every run is a new session,
/// so a case's <c>SET sql_mode</c> or user variables cannot leak into the next.
/// </summary>
internal sealed class MariaDbAdversarialDatabase : AdversarialDatabase, IAsyncDisposable
{
    private const string DatabaseName = "bulksafety_adversarial";

    private const string Schema = """
        CREATE TABLE items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL, code VARCHAR(50) NOT NULL UNIQUE, title VARCHAR(200) NOT NULL, body TEXT NULL, views INT NOT NULL) ENGINE = InnoDB;
        CREATE TABLE tags (id BIGINT PRIMARY KEY, item_id BIGINT NOT NULL, label VARCHAR(50) NOT NULL, FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE) ENGINE = InnoDB;
        CREATE TABLE slots (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE) ENGINE = InnoDB;
        CREATE TABLE notes (id BIGINT PRIMARY KEY, slot_id BIGINT NULL, text VARCHAR(100) NOT NULL, FOREIGN KEY (slot_id) REFERENCES slots (id) ON DELETE SET NULL) ENGINE = InnoDB;
        CREATE TABLE `Odd Table` (`Key` BIGINT PRIMARY KEY, `Where` BIGINT NOT NULL, `Quote"d` VARCHAR(50) NOT NULL) ENGINE = InnoDB;
        CREATE TABLE audit_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100) NOT NULL) ENGINE = InnoDB;
        CREATE TABLE audit_myisam (id BIGINT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100) NOT NULL) ENGINE = MyISAM;
        CREATE SEQUENCE adv_seq NOCACHE;
        CREATE FUNCTION audit(x BIGINT) RETURNS BOOLEAN DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO audit_log (what) VALUES (CONCAT('audit ', x)); RETURN TRUE; END;
        CREATE FUNCTION audit_m(x BIGINT) RETURNS BOOLEAN DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO audit_myisam (what) VALUES (CONCAT('audit_m ', x)); RETURN TRUE; END;
        CREATE FUNCTION `now`() RETURNS BOOLEAN DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO audit_myisam (what) VALUES ('shadowed now'); RETURN TRUE; END;
        CREATE FUNCTION concat(x BIGINT) RETURNS BOOLEAN DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO audit_myisam (what) VALUES ('shadowed concat'); RETURN TRUE; END;
        CREATE VIEW audited_items AS SELECT id, audit_m(id) AS audited FROM items;
        CREATE PROCEDURE purge_owner(o BIGINT) DELETE FROM items WHERE owner_id = o;
        """;

    private const string Reseed = """
        DELETE FROM tags; DELETE FROM notes; DELETE FROM items; DELETE FROM slots; DELETE FROM `Odd Table`;
        TRUNCATE audit_log; TRUNCATE audit_myisam; ALTER SEQUENCE adv_seq RESTART WITH 1;
        """;

    private static readonly string[] Tables = ["items", "tags", "slots", "notes", "`Odd Table`"];

    private static readonly string[] SideTables = ["audit_log", "audit_myisam"];

    private static readonly ConditionalWeakTable<MariaDbServer, Task<MariaDbAdversarialDatabase>> Databases = new();

    private static readonly ServerVersion Version = new MariaDbServerVersion(new Version(10, 11));

    private readonly string _connectionString;
    private readonly ServiceProvider _services;
    private readonly Dictionary<int, DbContextOptions<AdversarialContext>> _guarded = [];
    private readonly DbContextOptions<AdversarialContext> _unguarded;
    private readonly MySqlConnection _observer;

    private MariaDbAdversarialDatabase(string connectionString)
    {
        _connectionString = connectionString;
        _services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(Log).SetMinimumLevel(LogLevel.Debug))
            .AddBulkSafety(Budgets(null))
            .BuildServiceProvider();
        _unguarded = new DbContextOptionsBuilder<AdversarialContext>().UseMySql(connectionString, Version).Options;
        _observer = new MySqlConnection(connectionString);
    }

    /// <summary>The seed of <see cref="AdversarialContext.Seed"/>, with MySQL's backticks around the odd table's names.</summary>
    public static string Seed { get; } = AdversarialContext.Seed.Replace("\"Odd Table\" (\"Key\", \"Where\", \"Quote\"\"d\")", "`Odd Table` (`Key`, `Where`, `Quote\"d`)", StringComparison.Ordinal);

    public override IReadOnlyList<string> DataTables => Tables;

    /// <summary>The connection string of the suite's database (unpooled).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The suite's database on <paramref name="server"/>, created on first use.</summary>
    public static Task<MariaDbAdversarialDatabase> ForAsync(MariaDbServer server) => Databases.GetValue(server, CreateAsync);

    public override async Task ResetAsync() => await ExecuteAsync([Reseed + Seed]);

    public override async Task<DatabaseState> ReadStateAsync()
    {
        var state = await DatabaseState.ReadAsync(_observer, null, [.. Tables, .. SideTables]);
        await using var counters = new MySqlCommand("SELECT IS_USED_LOCK('adv') IS NOT NULL, (SELECT next_not_cached_value FROM adv_seq)", _observer);
        await using var reader = await counters.ExecuteReaderAsync();
        await reader.ReadAsync();
        return state.WithCounter("lock adv held", reader.GetValue(0)).WithCounter("adv_seq", reader.GetValue(1));
    }

    public override Task ExecuteAsync(IReadOnlyList<string> commands) => ExecuteOnAsync(_observer, commands);

    /// <summary>A context on the suite's database, guarded with <see cref="AdversarialDatabase.Budgets"/> and <paramref name="configure"/>.</summary>
    public AdversarialContext Guarded(Action<BulkSafetyOptions> configure)
        => new(new DbContextOptionsBuilder<AdversarialContext>()
            .UseMySql(_connectionString, Version)
            .UseLoggerFactory(_services.GetRequiredService<ILoggerFactory>())
            .UseBulkSafety(options =>
            {
                Budgets(null)(options);
                configure(options);
            })
            .Options);

    public async ValueTask DisposeAsync()
    {
        await _observer.DisposeAsync();
        await _services.DisposeAsync();
    }

    protected override DbContext CreateContext(bool guarded, int? maxRows)
        => new AdversarialContext(guarded ? GuardedOptions(maxRows) : _unguarded);

    protected override DbParameter CreateParameter(string name, object? value) => new MySqlParameter(name, value ?? DBNull.Value);

    private static async Task<MariaDbAdversarialDatabase> CreateAsync(MariaDbServer server)
    {
        await using (var root = new MySqlConnection(server.ConnectionString("mysql")))
        {
            await root.OpenAsync();
            await using var create = new MySqlCommand($"DROP DATABASE IF EXISTS {DatabaseName}; CREATE DATABASE {DatabaseName} CHARACTER SET utf8mb4", root);
            await create.ExecuteNonQueryAsync();
        }

        var database = new MariaDbAdversarialDatabase(server.ConnectionString(DatabaseName));
        await database._observer.OpenAsync();
        // One statement per line: a function's body holds semicolons of its own.
        await database.ExecuteAsync([.. Schema.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line.TrimEnd(';'))]);
        return database;
    }

    private DbContextOptions<AdversarialContext> GuardedOptions(int? maxRows)
    {
        var key = maxRows ?? 0;
        if (!_guarded.TryGetValue(key, out var options))
        {
            options = new DbContextOptionsBuilder<AdversarialContext>()
                .UseMySql(_connectionString, Version)
                .UseApplicationServiceProvider(_services)
                .UseLoggerFactory(_services.GetRequiredService<ILoggerFactory>())
                .UseBulkSafety(Budgets(maxRows))
                .Options;
            _guarded[key] = options;
        }

        return options;
    }
}
