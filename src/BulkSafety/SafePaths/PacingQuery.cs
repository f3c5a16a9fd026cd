using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BulkSafety.SafePaths;

/// <summary>Runs a pacing probe's statement on a connection of its own (plain ADO.NET, any provider) and returns the rows by column name.</summary>
internal static class PacingQuery
{
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(Func<DbConnection> connectionFactory, string sql, CancellationToken cancellationToken)
    {
        await using var connection = connectionFactory() ?? throw new InvalidOperationException("The probe's connection factory returned null.");
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs the first statement the server accepts, remembering it: servers rename their status statements across versions.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadFirstSupportedAsync(Func<DbConnection> connectionFactory, IReadOnlyList<string> statements, StrongBox<int> chosen, CancellationToken cancellationToken)
    {
        for (var i = chosen.Value; ; i++)
        {
            try
            {
                var rows = await ReadAsync(connectionFactory, statements[i], cancellationToken).ConfigureAwait(false);
                chosen.Value = i;
                return rows;
            }
            catch (DbException) when (i + 1 < statements.Count)
            {
                // An older or newer server: try the statement's other name.
            }
        }
    }

    /// <summary>A numeric column as a long, whatever the driver's type (or text, from a command-line client); null for NULL.</summary>
    public static long? Int64(IReadOnlyDictionary<string, object?> row, string column)
        => row.TryGetValue(column, out var value) && value is not null ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    public static double? Double(IReadOnlyDictionary<string, object?> row, string column)
        => row.TryGetValue(column, out var value) && value is not null ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : null;

    public static string? Text(IReadOnlyDictionary<string, object?> row, string column)
        => row.TryGetValue(column, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}
