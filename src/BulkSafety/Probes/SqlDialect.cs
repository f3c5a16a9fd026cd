using System.Data.Common;
using BulkSafety.Estimation;

namespace BulkSafety.Probes;

/// <summary>
/// The databases the probes can ask, found from EF's provider name or, failing that, the connection's type name — so
/// that this library needs no provider package. Both quote identifiers the SQL-standard way, with double quotes.
/// </summary>
internal sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new("SQLite", isPostgres: false);
    public static readonly SqlDialect Postgres = new("PostgreSQL", isPostgres: true);

    private SqlDialect(string name, bool isPostgres)
    {
        Name = name;
        IsPostgres = isPostgres;
    }

    public string Name { get; }

    /// <summary>PostgreSQL: EXPLAIN gives plan rows, pg_class gives row counts, a failed probe aborts the transaction.</summary>
    public bool IsPostgres { get; }

    /// <summary>The dialect of a connection, or <see langword="null"/> for a database the probes do not know.</summary>
    /// <param name="providerName">EF's <c>Database.ProviderName</c>, when known.</param>
    /// <param name="connection">The ADO.NET connection.</param>
    public static SqlDialect? Detect(string? providerName, DbConnection connection)
        => providerName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => Sqlite,
            "Npgsql.EntityFrameworkCore.PostgreSQL" => Postgres,
            _ => connection.GetType().Name switch
            {
                "SqliteConnection" => Sqlite,
                "NpgsqlConnection" => Postgres,
                _ => null,
            },
        };

    /// <summary>An identifier quoted for the SQL text; the only way a name enters a probe.</summary>
    public static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>A table name, schema-qualified when it has one, quoted.</summary>
    public static string QuoteTable(string? schema, string table) => schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";

    /// <summary>
    /// The SQL expression of the stored byte length of a column's value (NULL for NULL): UTF-8 bytes of text, bytes of
    /// binary. PostgreSQL's <c>octet_length</c> reads a TOASTed value's length from its pointer without fetching it.
    /// </summary>
    public string StoredBytes(string qualifier, string column, ColumnType type)
    {
        var reference = $"{qualifier}.{Quote(column)}";
        if (!IsPostgres)
        {
            return $"length(CAST({reference} AS BLOB))";
        }

        return type.Kind is ColumnTypeKind.Blob or ColumnTypeKind.VarBinary ? $"octet_length({reference})" : $"octet_length({reference}::text)";
    }
}
