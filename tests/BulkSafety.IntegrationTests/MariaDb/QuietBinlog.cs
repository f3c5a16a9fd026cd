using System.Globalization;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// Readings of a server's binlog taken while it writes nothing, for comparing a probe's count with the binlog's growth.
/// After a rotation MariaDB writes a Binlog_checkpoint event into the new file on its own, a moment later (an earlier
/// test's rotation, too): a reading with an event between it and the total is taken again.
/// </summary>
public static class QuietBinlog
{
    /// <summary>Runs <paramref name="read"/> while the server writes nothing, with the binlog's total size then.</summary>
    public static async Task<(long Value, long Total)> ReadAsync(MariaDbClient client, Func<Task<long>> read)
    {
        while (true)
        {
            var total = await SettledBytesAsync(client);
            var value = await read();
            if (await TotalBytesAsync(client) == total)
            {
                return (value, total);
            }
        }
    }

    // The binlog's total size once the server has stopped writing to it on its own.
    private static async Task<long> SettledBytesAsync(MariaDbClient client)
    {
        var last = await TotalBytesAsync(client);
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            var now = await TotalBytesAsync(client);
            if (now == last)
            {
                return now;
            }

            last = now;
        }
    }

    private static async Task<long> TotalBytesAsync(MariaDbClient client)
    {
        var logs = await client.QueryAsync("SHOW BINARY LOGS");
        return logs.Rows.Sum(row => long.Parse(row[logs.Columns.ToList().IndexOf("File_size")]!, CultureInfo.InvariantCulture));
    }
}
