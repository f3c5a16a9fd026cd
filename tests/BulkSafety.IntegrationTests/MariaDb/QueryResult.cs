using System.Text;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// One result set printed by <c>mariadb --batch</c>: a header line of column names, then one line per row, fields
/// separated by tabs, with tab, newline, backslash and NUL escaped as <c>\t \n \\ \0</c>. SQL NULL prints as
/// <c>NULL</c> and is returned as <see langword="null"/> (so is the four-letter string 'NULL': the format cannot tell them
/// apart). An empty result prints nothing at all, so it has no columns either.
/// </summary>
public sealed class QueryResult
{
    private QueryResult(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows; each has one value per column.</summary>
    public IReadOnlyList<IReadOnlyList<string?>> Rows { get; }

    /// <summary>The value of <paramref name="column"/> in row <paramref name="row"/>.</summary>
    public string? Value(int row, string column)
    {
        var index = Columns.ToList().IndexOf(column);
        return index >= 0
            ? Rows[row][index]
            : throw new KeyNotFoundException($"no column '{column}' in [{string.Join(", ", Columns)}]");
    }

    /// <summary>The single value of a one-row, one-column result.</summary>
    public string? Scalar() =>
        Rows.Count == 1 && Columns.Count == 1
            ? Rows[0][0]
            : throw new InvalidOperationException($"expected one value, got {Rows.Count} rows of {Columns.Count} columns");

    /// <summary>Parses the text that <c>mariadb --batch</c> printed for one result set.</summary>
    public static QueryResult ParseBatchOutput(string output)
    {
        var lines = output.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (count == 0)
        {
            return new QueryResult([], []);
        }

        var columns = SplitFields(lines[0]).Select(name => name ?? "NULL").ToList();
        var rows = new List<IReadOnlyList<string?>>(count - 1);
        for (var i = 1; i < count; i++)
        {
            var fields = SplitFields(lines[i]);
            if (fields.Count != columns.Count)
            {
                throw new FormatException($"row {i} has {fields.Count} fields, the header has {columns.Count}: {lines[i]}");
            }

            rows.Add(fields);
        }

        return new QueryResult(columns, rows);
    }

    private static List<string?> SplitFields(string line) =>
        line.Split('\t').Select(field => field == "NULL" ? null : Unescape(field)).ToList();

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length)
            {
                text.Append(field[i]);
                continue;
            }

            i++;
            text.Append(field[i] switch
            {
                't' => '\t',
                'n' => '\n',
                '0' => '\0',
                _ => field[i],
            });
        }

        return text.ToString();
    }
}
