using System.Globalization;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace IncidentReplay;

/// <summary>
/// The binlog a server wrote between two positions, per table, read back with <c>SHOW BINLOG EVENTS</c>: each event's
/// bytes (its end position less its start) go to the table it logs — a Table_map and its Rows events to the mapped
/// table, an Annotate_rows (the statement's text) to the table of the Table_map after it — and the GTID and XID events
/// that frame each transaction to <see cref="TransactionRow"/>, as the guard's estimate splits them. Across a rotation
/// the files in between are read whole.
/// </summary>
public static partial class BinlogTables
{
    /// <summary>The name under which the guard and this reading book the per-transaction events.</summary>
    public const string TransactionRow = "(transaction)";

    /// <summary>The server's current binlog file and position.</summary>
    public static async Task<(string File, long Position)> PositionAsync(MySqlConnection connection)
    {
        await using var command = new MySqlCommand("SHOW MASTER STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException("SHOW MASTER STATUS returned no row: binary logging is off on this server.");
        }

        return (reader.GetString("File"), Convert.ToInt64(reader.GetValue(reader.GetOrdinal("Position")), CultureInfo.InvariantCulture));
    }

    /// <summary>Bytes and transactions per table from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, TableBinlog>> ReadAsync(MySqlConnection connection, (string File, long Position) from, (string File, long Position) to)
    {
        var files = new List<string>();
        await using (var list = new MySqlCommand("SHOW BINARY LOGS", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                files.Add(reader.GetString("Log_name"));
            }
        }

        var first = files.IndexOf(from.File);
        var last = files.IndexOf(to.File);
        if (first < 0 || last < first)
        {
            throw new InvalidOperationException($"the binlog from {from.File} to {to.File} is no longer listed by SHOW BINARY LOGS.");
        }

        var tally = new Tally();
        for (var i = first; i <= last; i++)
        {
            var start = i == first ? from.Position : 4;
            await using var command = new MySqlCommand($"SHOW BINLOG EVENTS IN '{files[i]}' FROM {start.ToString(CultureInfo.InvariantCulture)}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var position = Convert.ToInt64(reader.GetValue(reader.GetOrdinal("Pos")), CultureInfo.InvariantCulture);
                if (i == last && position >= to.Position)
                {
                    break;
                }

                var end = Convert.ToInt64(reader.GetValue(reader.GetOrdinal("End_log_pos")), CultureInfo.InvariantCulture);
                tally.Add(reader.GetString("Event_type"), reader.IsDBNull(reader.GetOrdinal("Info")) ? "" : reader.GetString("Info"), end - position);
            }
        }

        return tally.Tables;
    }

    [GeneratedRegex(@"^table_id: (\d+)(?: \(([^)]*)\))?")]
    private static partial Regex TableId();

    private sealed class Tally
    {
        private readonly Dictionary<string, string> _tablesById = [];
        private long _annotation;

        public Dictionary<string, TableBinlog> Tables { get; } = new(StringComparer.Ordinal);

        public void Add(string type, string info, long bytes)
        {
            switch (type)
            {
                case "Gtid":
                    Book(TransactionRow, bytes, newTransaction: true);
                    break;
                case "Xid":
                case "Query" when info is "BEGIN" or "COMMIT":
                    Book(TransactionRow, bytes, newTransaction: false);
                    break;
                case "Annotate_rows":
                    _annotation += bytes;
                    break;
                case "Table_map" when TableId().Match(info) is { Success: true } map:
                    // "db.table": the guard names tables as the model maps them, without the database.
                    var table = map.Groups[2].Value[(map.Groups[2].Value.IndexOf('.', StringComparison.Ordinal) + 1)..];
                    _tablesById[map.Groups[1].Value] = table;
                    Book(table, bytes + _annotation, newTransaction: true);
                    _annotation = 0;
                    break;
                case not null when type.Contains("_rows", StringComparison.Ordinal) && TableId().Match(info) is { Success: true } rows:
                    Book(_tablesById[rows.Groups[1].Value], bytes, newTransaction: false);
                    break;
                default:
                    // Format_description, Rotate, Gtid_list, Binlog_checkpoint: the log's own bookkeeping, no transaction's.
                    break;
            }
        }

        private void Book(string table, long bytes, bool newTransaction)
        {
            var entry = Tables.GetValueOrDefault(table) ?? new TableBinlog(0, 0);
            Tables[table] = new TableBinlog(entry.Bytes + bytes, entry.Transactions + (newTransaction ? 1 : 0));
        }
    }
}

/// <summary>The binlog bytes a table's events took, and how many transactions (statements, for a table) logged it.</summary>
public sealed record TableBinlog(long Bytes, int Transactions);
