using System.Data.Common;
using System.Globalization;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>
/// Everything a statement or a probe could have changed: the rows of every table, each keyed by its first column and
/// written out in full, and the side-effect counters of the database (function calls, locks, sequences).
/// </summary>
public sealed class DatabaseState
{
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _tables = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _counters = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="tables"/> (quoted names, first column the key) on <paramref name="connection"/>, in one round trip.</summary>
    public static async Task<DatabaseState> ReadAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<string> tables)
    {
        var state = new DatabaseState();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = string.Join(";\n", tables.Select(table => $"SELECT * FROM {table}"));
        await using var reader = await command.ExecuteReaderAsync();
        foreach (var table in tables)
        {
            var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync())
            {
                var values = new string[reader.FieldCount];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
                }

                rows[values[0]] = string.Join(" | ", values.Select(SqlText.Escape));
            }

            state._tables[table] = rows;
            await reader.NextResultAsync();
        }

        return state;
    }

    public DatabaseState WithCounter(string name, object? value)
    {
        _counters[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL";
        return this;
    }

    /// <summary>
    /// How the rows of <paramref name="tables"/> differ in <paramref name="after"/>: existing rows deleted or changed, and
    /// rows inserted (which change no existing row).
    /// </summary>
    public (int DeletedOrChanged, int Inserted) ChangesTo(DatabaseState after, IEnumerable<string> tables)
    {
        var deletedOrChanged = 0;
        var inserted = 0;
        foreach (var table in tables)
        {
            var before = _tables[table];
            var now = after._tables[table];
            deletedOrChanged += before.Count(row => !now.TryGetValue(row.Key, out var value) || value != row.Value);
            inserted += now.Keys.Count(key => !before.ContainsKey(key));
        }

        return (deletedOrChanged, inserted);
    }

    /// <summary>Every row and counter, one per line, for comparing states and showing how they differ.</summary>
    public string Describe()
        => string.Join('\n', _tables.SelectMany(t => t.Value.Select(r => $"{t.Key}: {r.Value}"))
            .Concat(_counters.Select(c => $"counter {c.Key} = {c.Value}")));

    /// <summary>The lines of <paramref name="after"/> that are not in this state, and the other way round.</summary>
    public string DifferenceTo(DatabaseState after)
    {
        var before = Describe().Split('\n').ToHashSet(StringComparer.Ordinal);
        var now = after.Describe().Split('\n').ToHashSet(StringComparer.Ordinal);
        return string.Join('\n', before.Except(now).Select(l => "- " + l).Concat(now.Except(before).Select(l => "+ " + l)));
    }
}
