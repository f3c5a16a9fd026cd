using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BulkSafety.Databases;

/// <summary>
/// Which database a unit of work writes to, and which server's replication log carries it. Hot rows are kept per
/// database (a row is a table and a key in one database); the rolling window per server, because the binlog or WAL
/// belongs to the server: every database of one server fills the same log. PostgreSQL and MySQL/MariaDB: the
/// connection's data source (host and port) and database name. SQLite: the file; an in-memory database is its
/// connection (a named shared-cache one, its name). Other providers: the data source and database the connection names.
/// </summary>
internal readonly record struct DatabaseIdentity(string Server, string Database)
{
    private static readonly ConditionalWeakTable<DbConnection, string> PrivateMemoryDatabases = [];
    private static long _privateMemoryDatabases;

    /// <summary>The identity of an estimate made without a connection (a dry run over a model, a test).</summary>
    public static DatabaseIdentity Unknown { get; } = new("(unknown)", "(unknown)");

    public static DatabaseIdentity Of(DbConnection connection)
    {
        if (connection.GetType().Name != "SqliteConnection")
        {
            var server = connection.DataSource ?? "";
            return new DatabaseIdentity(server, $"{server}/{connection.Database}");
        }

        var source = connection.DataSource ?? "";
        var builder = new DbConnectionStringBuilder { ConnectionString = connection.ConnectionString };
        var memory = source is "" or ":memory:"
            || (builder.TryGetValue("Mode", out var mode) && string.Equals(Convert.ToString(mode, CultureInfo.InvariantCulture), "Memory", StringComparison.OrdinalIgnoreCase));
        var shared = builder.TryGetValue("Cache", out var cache) && string.Equals(Convert.ToString(cache, CultureInfo.InvariantCulture), "Shared", StringComparison.OrdinalIgnoreCase);
        var name = !memory ? Path.GetFullPath(source)
            : shared && source is not ("" or ":memory:") ? $"memory:{source}"
            : PrivateMemoryDatabases.GetValue(connection, static _ => $"memory#{Interlocked.Increment(ref _privateMemoryDatabases)}");
        return new DatabaseIdentity(name, name);
    }

    /// <inheritdoc/>
    public override string ToString() => Database;
}
