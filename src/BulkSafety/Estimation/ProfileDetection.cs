using System.Data;
using System.Data.Common;
using System.Globalization;

namespace BulkSafety.Estimation;

/// <summary>
/// Reads the settings that decide a server's replication-log volume over plain ADO.NET (any driver) and turns them into
/// the matching profile: <see cref="ReplicationProfile.DetectAsync"/>. The parsing is separate from the querying so that
/// it can be checked against a server without a .NET driver (MariaDB, through its command-line client).
/// </summary>
internal static class ProfileDetection
{
    /// <summary>The server's version string: "PostgreSQL 15.18 on ..." or "10.11.19-MariaDB-..." or "8.0.36".</summary>
    public const string VersionQuery = "SELECT version()";

    /// <summary>PostgreSQL's <c>wal_level</c> (minimal, replica or logical) and the schema unqualified names resolve to.</summary>
    public const string WalLevelQuery = "SELECT current_setting('wal_level'), current_schema()";

    /// <summary>Every user table whose <c>REPLICA IDENTITY</c> is not the default (<c>pg_class.relreplident</c>:
    /// 'f' full, 'n' nothing, 'i' index).</summary>
    public const string ReplicaIdentityQuery =
        "SELECT n.nspname, c.relname, c.relreplident::text FROM pg_catalog.pg_class c " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' " +
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";

    /// <summary>
    /// MariaDB's byte-relevant binlog settings, one row. <c>@@name</c> reads the session value where the variable has one
    /// (what the session that asks will log with). <c>binlog_row_event_max_size</c> is a start-up option only in MariaDB
    /// 10.11 (no system variable): the default 8,192 is assumed.
    /// </summary>
    public const string MariaDbQuery =
        "SELECT @@log_bin AS log_bin, @@binlog_format AS binlog_format, @@binlog_row_image AS binlog_row_image, " +
        "@@binlog_annotate_row_events AS binlog_annotate_row_events, @@binlog_checksum AS binlog_checksum, " +
        "@@binlog_row_metadata AS binlog_row_metadata, DATABASE() AS database_name, " +
        "@@max_binlog_cache_size AS max_binlog_cache_size, @@max_allowed_packet AS max_allowed_packet";

    /// <summary>The same for MySQL, whose statement-text event is the Rows_query event of <c>binlog_rows_query_log_events</c>.</summary>
    public const string MySqlQuery =
        "SELECT @@log_bin AS log_bin, @@binlog_format AS binlog_format, @@binlog_row_image AS binlog_row_image, " +
        "@@binlog_rows_query_log_events AS binlog_annotate_row_events, @@binlog_checksum AS binlog_checksum, " +
        "@@binlog_row_metadata AS binlog_row_metadata, DATABASE() AS database_name, " +
        "@@max_binlog_cache_size AS max_binlog_cache_size, @@max_allowed_packet AS max_allowed_packet";

    // A max_binlog_cache_size this large is the server's "no cap" (MariaDB's and MySQL's default is 16 EiB).
    private const long UnlimitedBytes = 1L << 60;

    public static async Task<ReplicationProfile> DetectAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var version = (await QueryAsync(connection, VersionQuery, cancellationToken).ConfigureAwait(false)).Rows.Single()[0] ?? "";
            if (version.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase))
            {
                var server = (await QueryAsync(connection, WalLevelQuery, cancellationToken).ConfigureAwait(false)).Rows.Single();
                var identities = await QueryAsync(connection, ReplicaIdentityQuery, cancellationToken).ConfigureAwait(false);
                return PostgresWal(server[0], server[1], identities.Rows.Select(row => (row[0]!, row[1]!, row[2]!)));
            }

            var isMariaDb = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
            var (names, rows) = await QueryAsync(connection, isMariaDb ? MariaDbQuery : MySqlQuery, cancellationToken).ConfigureAwait(false);
            var values = rows.Single();
            return MySqlRow(names.Select((name, i) => (name, values[i])).ToDictionary(p => p.name, p => p.Item2, StringComparer.OrdinalIgnoreCase));
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The PostgreSQL profile for <c>SHOW wal_level</c> and the tables whose replica identity is not the default.
    /// <c>minimal</c> logs ordinary DML like <c>replica</c>; <c>NOTHING</c> and <c>USING INDEX</c> identities are priced
    /// like the default (the primary key), a slight over-estimate for NOTHING.
    /// </summary>
    /// <param name="walLevel">The <c>wal_level</c> setting.</param>
    /// <param name="defaultSchema">The connection's <c>current_schema()</c>: its tables are also found by bare name, as a
    /// model without a schema names them.</param>
    /// <param name="nonDefaultIdentities">The tables whose <c>relreplident</c> is not 'd'.</param>
    public static PostgresWalProfile PostgresWal(string? walLevel, string? defaultSchema, IEnumerable<(string Schema, string Table, string Identity)> nonDefaultIdentities)
    {
        var level = walLevel?.Trim().ToLowerInvariant() switch
        {
            "logical" => PostgresWalLevel.Logical,
            "replica" or "minimal" => PostgresWalLevel.Replica,
            _ => throw new NotSupportedException($"Unknown wal_level '{walLevel}'."),
        };
        var identities = new Dictionary<string, PostgresReplicaIdentity>(StringComparer.Ordinal);
        foreach (var (schema, table, identity) in nonDefaultIdentities)
        {
            if (identity == "f")
            {
                identities[schema + "." + table] = PostgresReplicaIdentity.Full;
                if (schema == defaultSchema)
                {
                    identities[table] = PostgresReplicaIdentity.Full;
                }
            }
        }

        return new PostgresWalProfile(level, PostgresReplicaIdentity.Default, includeFullPageImages: false, identities);
    }

    /// <summary>
    /// The MySqlRow profile for the values of <see cref="MariaDbQuery"/> (or <see cref="MySqlQuery"/>), by column name.
    /// Throws <see cref="NotSupportedException"/> when binary logging is off. Under <c>binlog_format</c> MIXED (MariaDB
    /// 10.11's default) or STATEMENT a DML statement is logged either as its text (a Query event: the text and 65 B of
    /// framing with a two-letter database, measured through Pomelo) or, when the server finds it unsafe for statement
    /// replication, as row events with the session's row image; the profile is then an upper bound of both: the session's row image with the statement text
    /// counted (annotate on, whatever <c>binlog_annotate_row_events</c> says), so the text of a statement logged as a
    /// Query event is covered by the Annotate_rows it is priced as, and its framing by the Table_map and Rows events.
    /// </summary>
    public static MySqlRowProfile MySqlRow(IReadOnlyDictionary<string, string?> variables)
    {
        if (!IsOn(Value("log_bin")))
        {
            throw new NotSupportedException("The server's binary log is off (log_bin=OFF): it writes no replication log to estimate. Configure a profile explicitly if replicas will read a binlog.");
        }

        var format = Value("binlog_format")?.ToUpperInvariant();
        var logsStatementsAsText = format switch
        {
            "ROW" => false,
            "MIXED" or "STATEMENT" => true,
            _ => throw new NotSupportedException($"Unknown binlog_format '{format}'."),
        };
        var rowImage = Value("binlog_row_image")?.ToUpperInvariant() switch
        {
            "FULL" => BinlogRowImage.Full,
            "MINIMAL" => BinlogRowImage.Minimal,
            "NOBLOB" => BinlogRowImage.NoBlob,
            var other => throw new NotSupportedException($"Unknown binlog_row_image '{other}'."),
        };
        var settings = new MySqlBinlogSettings
        {
            AnnotateRowEvents = logsStatementsAsText || IsOn(Value("binlog_annotate_row_events")),
            Checksum = Value("binlog_checksum")?.ToUpperInvariant() == "NONE" ? BinlogChecksum.None : BinlogChecksum.Crc32,
            RowMetadata = Value("binlog_row_metadata")?.ToUpperInvariant() switch
            {
                "MINIMAL" => BinlogRowMetadata.Minimal,
                "FULL" => BinlogRowMetadata.Full,
                _ => BinlogRowMetadata.NoLog,
            },
            DatabaseName = Value("database_name") is { Length: > 0 } database ? database : MySqlBinlogSettings.Default.DatabaseName,
            MaxBinlogCacheSize = Bytes("max_binlog_cache_size") is { } cacheSize && cacheSize < UnlimitedBytes ? cacheSize : null,
            MaxAllowedPacket = Bytes("max_allowed_packet") ?? MySqlBinlogSettings.Default.MaxAllowedPacket,
        };
        return new MySqlRowProfile(rowImage, settings);

        string? Value(string name) => variables.TryGetValue(name, out var value) ? value : null;

        long? Bytes(string name) => ulong.TryParse(Value(name), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? (long)Math.Min(bytes, long.MaxValue) : null;
    }

    private static bool IsOn(string? value) => value?.Trim().ToUpperInvariant() is "1" or "ON" or "TRUE";

    // The result as text: the column names and each row's values (NULL as null).
    private static async Task<(string[] Names, List<string?[]> Rows)> QueryAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
                var rows = new List<string?[]>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new string?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                    }

                    rows.Add(row);
                }

                return (names, rows);
            }
        }
    }
}
