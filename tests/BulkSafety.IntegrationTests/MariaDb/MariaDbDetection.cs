namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>The live server settings that decide what MariaDB writes to its binlog for a DML statement.</summary>
/// <param name="LogBin">Whether the binlog is on at all (<c>@@log_bin</c>).</param>
/// <param name="Format">ROW, STATEMENT or MIXED (<c>@@binlog_format</c>; MariaDB 10.11's default is MIXED, which logs
/// these DMLs as statement text).</param>
/// <param name="RowImage">FULL, MINIMAL or NOBLOB (<c>@@binlog_row_image</c>).</param>
/// <param name="AnnotateRows">Whether each row-event group carries the statement text (<c>@@binlog_annotate_row_events</c>).</param>
/// <param name="Checksum">CRC32 or NONE (<c>@@binlog_checksum</c>): 4 or 0 bytes per event.</param>
/// <param name="RowMetadata">NO_LOG, MINIMAL or FULL (<c>@@binlog_row_metadata</c>): optional Table_map metadata
/// (signedness, charsets, names) that makes every Table_map event longer when not NO_LOG.</param>
/// <remarks>
/// <c>binlog_row_event_max_size</c> (where multi-row events are split, 8192 by default) is a start-up option only in
/// MariaDB 10.11: no system variable exposes it, so it cannot be detected over SQL. The fixture sets it explicitly and
/// a test shows the split happening at 8192.
/// </remarks>
public sealed record BinlogServerSettings(bool LogBin, string Format, string RowImage, bool AnnotateRows, string Checksum, string RowMetadata);

/// <summary>
/// Reads <see cref="BinlogServerSettings"/> from the live server (test-side helper; the runtime detection will live in
/// src/). <c>@@name</c> is the session value where the variable has one, the global value otherwise, i.e. what applies to
/// the statements of the session that asks.
/// </summary>
public static class MariaDbDetection
{
    /// <summary>The detection query.</summary>
    public const string Query =
        "SELECT @@log_bin AS log_bin, @@binlog_format AS binlog_format, @@binlog_row_image AS binlog_row_image, " +
        "@@binlog_annotate_row_events AS binlog_annotate_row_events, @@binlog_checksum AS binlog_checksum, " +
        "@@binlog_row_metadata AS binlog_row_metadata";

    /// <summary>Runs <see cref="Query"/> in a session that first runs <paramref name="sessionStatements"/>.</summary>
    public static async Task<BinlogServerSettings> ReadAsync(MariaDbClient client, string sessionStatements = "", CancellationToken cancellationToken = default)
    {
        var result = await client.QueryAsync(sessionStatements + Query, cancellationToken: cancellationToken);
        return new BinlogServerSettings(
            result.Value(0, "log_bin") == "1",
            result.Value(0, "binlog_format")!,
            result.Value(0, "binlog_row_image")!,
            result.Value(0, "binlog_annotate_row_events") == "1",
            result.Value(0, "binlog_checksum")!,
            result.Value(0, "binlog_row_metadata")!);
    }

    /// <summary>The compiled-in default of a system variable (<c>information_schema.SYSTEM_VARIABLES.DEFAULT_VALUE</c>),
    /// which is what a server started without the option runs with.</summary>
    public static async Task<string?> CompiledDefaultAsync(MariaDbClient client, string variable, CancellationToken cancellationToken = default) =>
        (await client.QueryAsync(
            $"SELECT DEFAULT_VALUE FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_NAME = '{variable.ToUpperInvariant()}'",
            cancellationToken: cancellationToken)).Scalar();
}
