using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// The EF Core database providers a compilation references, and what they make of a string or binary property:
/// whether a maximum length or an explicit column type bounds the column, and what the unbounded store type is called.
/// </summary>
internal sealed class StoreProviders
{
    // SQL Server's largest sized types: nvarchar(4000), varchar(8000), varbinary(8000); above that EF maps to (max).
    private const int SqlServerMaxUnicode = 4000;
    private const int SqlServerMaxBytes = 8000;

    private static readonly string[] UnboundedTypeNames =
    [
        "text", "ntext", "mediumtext", "longtext", "blob", "mediumblob", "longblob", "image", "bytea",
        "json", "jsonb", "xml", "clob", "nclob", "citext",
    ];

    private static readonly Regex SizedType = new(@"^[a-z ]+\(\s*(\d+)\s*(,\s*\d+\s*)?\)$", RegexOptions.CultureInvariant);

    private StoreProviders(bool sqlServer, bool postgreSql, bool mySql, bool sqlite)
    {
        SqlServer = sqlServer;
        PostgreSql = postgreSql;
        MySql = mySql;
        Sqlite = sqlite;
    }

    public bool SqlServer { get; }
    public bool PostgreSql { get; }
    public bool MySql { get; }
    public bool Sqlite { get; }

    /// <summary>
    /// SQLite is the only provider referenced: its TEXT and BLOB carry no declared length anywhere, so an unbounded column
    /// is the norm there and not a finding on its own (BS3002 stays quiet; BS3001's rewritten rows still count).
    /// </summary>
    public bool OnlySqlite => Sqlite && Count == 1;

    private int Count => (SqlServer ? 1 : 0) + (PostgreSql ? 1 : 0) + (MySql ? 1 : 0) + (Sqlite ? 1 : 0);

    public static StoreProviders FromReferences(Compilation compilation)
    {
        var names = compilation.ReferencedAssemblyNames.Select(a => a.Name).ToList();
        bool Has(string prefix) => names.Any(n => n.StartsWith(prefix, StringComparison.Ordinal));
        return new StoreProviders(
            Has("Microsoft.EntityFrameworkCore.SqlServer"),
            Has("Npgsql.EntityFrameworkCore.PostgreSQL"),
            Has("Pomelo.EntityFrameworkCore.MySql") || Has("MySql.EntityFrameworkCore"),
            Has("Microsoft.EntityFrameworkCore.Sqlite"));
    }

    /// <summary>
    /// Why a declared maximum length still leaves the column unbounded on a referenced provider, or null when it bounds it.
    /// SQL Server maps lengths above 4000 (unicode) or 8000 (ANSI, binary) to a (max) type.
    /// </summary>
    public string? UnboundedDespiteLength(int maxLength, bool binary, bool unicode)
    {
        if (!SqlServer)
        {
            return null;
        }

        var limit = binary || !unicode ? SqlServerMaxBytes : SqlServerMaxUnicode;
        var type = binary ? "varbinary(max)" : unicode ? "nvarchar(max)" : "varchar(max)";
        return maxLength > limit
            ? string.Format(CultureInfo.InvariantCulture, "SQL Server maps a maximum length of {0} (above {1}) to {2}", maxLength, limit, type)
            : null;
    }

    /// <summary>Whether an explicit column type (<c>HasColumnType</c>, <c>[Column(TypeName = ...)]</c>) is unbounded.</summary>
    public bool IsUnboundedColumnType(string columnType)
    {
        var type = columnType.Trim().ToLowerInvariant();
        if (type.Contains("(max)"))
        {
            return true;
        }

        if (Array.IndexOf(UnboundedTypeNames, type) >= 0)
        {
            return true;
        }

        // PostgreSQL's varchar without a length has no limit; elsewhere a bare varchar is a 1-character or invalid type.
        return PostgreSql && (type == "varchar" || type == "character varying");
    }

    /// <summary>Whether an explicit column type carries a length, e.g. <c>varchar(200)</c>.</summary>
    public static bool IsSizedColumnType(string columnType) => SizedType.IsMatch(columnType.Trim().ToLowerInvariant());

    /// <summary>The name of the unbounded store type on the referenced provider, or a generic name when there is not exactly one.</summary>
    public string UnboundedStoreType(bool binary, bool unicode)
    {
        if (Count != 1)
        {
            return binary ? "binary" : "text";
        }

        if (SqlServer)
        {
            return binary ? "varbinary(max)" : unicode ? "nvarchar(max)" : "varchar(max)";
        }

        if (PostgreSql)
        {
            return binary ? "bytea" : "text";
        }

        if (MySql)
        {
            return binary ? "longblob" : "longtext";
        }

        return binary ? "BLOB" : "TEXT";
    }
}
