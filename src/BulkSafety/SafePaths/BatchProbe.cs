using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using BulkSafety.Interception;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace BulkSafety.SafePaths;

/// <summary>
/// What a batched job asks the database before its batches — the rows to go, the key that ends the next batch, the rows
/// of each combination of stored sizes in it (<see cref="BatchAggregate"/>) — as probes: the queries EF Core translates
/// from <see cref="KeysetPlan{T}"/>, embedded in a <c>COUNT(*)</c> or <c>GROUP BY</c> of the sizes the dialect measures
/// (<see cref="DatabaseDialect.StoredBytes"/>), run in a <see cref="ProbeScope"/>: read-only, rolled back, and refused
/// when the caller's filter calls anything not known to be free of side effects. A refused filter is not evaluated again:
/// the probes then read the table's rows in the same key ranges without it (<see cref="KeysetPlan{T}.Table"/>) — every row
/// a batch can change, and possibly more, so batches are priced high, never low. Where even the scope is refused (a MySQL
/// session whose sql_mode the guard does not read), those reads run as plain queries, having nothing of the caller's to
/// evaluate.
/// </summary>
internal sealed class BatchProbe<T>
{
    private const string Rows = "bulksafety_rows";
    private const string KeyColumn = "bulksafety_key";

    private static readonly MethodInfo ReadFieldMethod = typeof(BatchProbe<T>).GetMethod(nameof(ReadField), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly KeysetPlan<T> _plan;
    private readonly DbContext _context;
    private readonly GuardSession _session;
    private readonly DatabaseDialect _dialect;
    private readonly ILogger _logger;
    private readonly string _job;
    private readonly Func<DbDataReader, int, object?>[] _keyReaders;
    private readonly string[] _sizeExpressions;

    // The texts of the queries whose calls a scope has read: each batch's queries differ only in their parameters' values,
    // so each text is read once per job.
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    // Whether the batches so far had one size per measured column: then a pass of MIN and MAX prices a batch exactly,
    // without the GROUP BY, whose sort costs SQLite several times the pass (17 against 4 ms for 10,000 rows). The first
    // batch of mixed sizes costs that pass in vain; the job groups from then on.
    private bool _uniformSizes = true;

    public BatchProbe(KeysetPlan<T> plan, DbContext context, GuardSession session, ILogger logger, string job)
    {
        _plan = plan;
        _context = context;
        _session = session;
        _logger = logger;
        _job = job;
        _dialect = DatabaseDialect.Detect(context.Database.ProviderName, context.Database.GetDbConnection())
            ?? throw new NotSupportedException($"Batched jobs measure their batches in the database: {context.Database.ProviderName} is not one the guard reads (SQLite, PostgreSQL, MySQL/MariaDB).");
        _keyReaders = [.. plan.Key.Select(KeyReader)];
        _sizeExpressions = [.. plan.Measured.Select((p, i) => _dialect.StoredBytes(Rows, Column(i), StoreTypeMapper.Map(p).Type))];
    }

    /// <summary>Whether the probes evaluate the caller's filter; <see langword="false"/> once it was refused.</summary>
    public bool Filtered { get; private set; } = true;

    /// <summary>The rows after the plan's lower bound: the filter's, or the table's when it is not evaluated.</summary>
    public Task<long> CountRemainingAsync(CancellationToken cancellationToken)
        => ProbeAsync(
            async (scope, filtered) => (await QueryAsync(scope, filtered, _plan.RemainingKeys(filtered), inner => $"SELECT COUNT(*) FROM ({inner}) AS {Rows}", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0],
            cancellationToken);

    /// <summary>
    /// Sets the plan's upper bound to the key of the <paramref name="rows"/>-th row after its lower bound (of the last row
    /// when fewer are left) and measures the batch that ends there; <see langword="null"/> when no row is left.
    /// </summary>
    public Task<(object?[] Upper, BatchAggregate Aggregate)?> NextBatchAsync(int rows, CancellationToken cancellationToken)
        => _plan.HasIntegerKey ? NextBatchInOneQueryAsync(rows, cancellationToken) : NextBatchInTwoQueriesAsync(rows, cancellationToken);

    // The next rows' size groups, each with its largest key, the largest first: the batch ends at the first group's key.
    private Task<(object?[] Upper, BatchAggregate Aggregate)?> NextBatchInOneQueryAsync(int rows, CancellationToken cancellationToken)
        => ProbeAsync(
            async (scope, filtered) =>
            {
                var runs = await RunsAsync(scope, filtered, _plan.NextRows(rows, filtered), withKey: true, cancellationToken).ConfigureAwait(false);
                if (runs.Count == 0 || runs[0].Last is not { } last)
                {
                    return ((object?[], BatchAggregate)?)null;
                }

                object?[] upper = [last];
                _plan.SetUpper(upper);
                return (upper, new BatchAggregate(runs.Sum(r => r.Run.Rows), [.. runs.Select(r => r.Run)]));
            },
            cancellationToken);

    // The key of the rows-th row (or of the last), then the size groups of the rows up to it.
    private Task<(object?[] Upper, BatchAggregate Aggregate)?> NextBatchInTwoQueriesAsync(int rows, CancellationToken cancellationToken)
        => ProbeAsync(
            async (scope, filtered) =>
            {
                var keys = await QueryAsync(scope, filtered, _plan.UpperKey(rows, filtered), inner => inner, ReadKey, cancellationToken).ConfigureAwait(false);
                if (keys.Count == 0)
                {
                    keys = await QueryAsync(scope, filtered, _plan.LastKey(filtered), inner => inner, ReadKey, cancellationToken).ConfigureAwait(false);
                    if (keys.Count == 0)
                    {
                        return ((object?[], BatchAggregate)?)null;
                    }
                }

                _plan.SetUpper(keys[0]);
                var runs = await RunsAsync(scope, filtered, _plan.BatchValues(filtered), withKey: false, cancellationToken).ConfigureAwait(false);
                return (keys[0], new BatchAggregate(runs.Sum(r => r.Run.Rows), [.. runs.Select(r => r.Run)]));
            },
            cancellationToken);

    // The size combinations of query's rows (key first, when withKey, then the measured columns), each with its largest
    // key when withKey, the combination holding the last key first. While the batches have had one size per column, first
    // the pass that tells whether this one has too, which is then its only combination.
    private async Task<List<((long Rows, long?[] Sizes) Run, object? Last)>> RunsAsync(ProbeScope? scope, bool filtered, IQueryable<object?[]> query, bool withKey, CancellationToken cancellationToken)
    {
        if (_uniformSizes && _plan.Measured.Count > 0)
        {
            var rangeKey = 1 + (3 * _plan.Measured.Count);
            var (run, last) = (await QueryAsync(scope, filtered, query, inner => SizeRangeQuery(inner, withKey), r => (Run: ReadUniformRun(r), Last: LastKey(r, withKey, rangeKey)), cancellationToken).ConfigureAwait(false))[0];
            if (run is { } single)
            {
                return single.Rows == 0 ? [] : [(single, last)];
            }

            _uniformSizes = false;
        }

        var groupKey = 1 + _plan.Measured.Count;
        return await QueryAsync(scope, filtered, query, inner => SizeGroupsQuery(inner, withKey), r => (Run: ReadRun(r), Last: LastKey(r, withKey, groupKey)), cancellationToken).ConfigureAwait(false);
    }

    private object? LastKey(DbDataReader reader, bool withKey, int ordinal) => withKey && !reader.IsDBNull(ordinal) ? _keyReaders[0](reader, ordinal) : null;

    // SELECT COUNT(*), size(c0) …[, MAX(key)] FROM (the rows) GROUP BY the sizes: one row per combination, the group
    // holding the last key first.
    private string SizeGroupsQuery(string inner, bool withKey)
    {
        if (_plan.Measured.Count == 0 && !withKey)
        {
            // The values are the first key part, only counted.
            return $"SELECT COUNT(*) FROM ({inner}) AS {Rows}";
        }

        var (with, key) = RowsOf(inner, withKey);
        if (_plan.Measured.Count == 0)
        {
            return $"{with} SELECT COUNT(*), MAX({key}) FROM {Rows}";
        }

        var sizes = string.Join(", ", _sizeExpressions);
        return withKey
            ? $"{with} SELECT COUNT(*), {sizes}, MAX({key}) FROM {Rows} GROUP BY {sizes} ORDER BY MAX({key}) DESC"
            : $"{with} SELECT COUNT(*), {sizes} FROM {Rows} GROUP BY {sizes}";
    }

    // SELECT COUNT(*), then per measured column MIN(size), MAX(size) and its values that are not NULL[, MAX(key)]: one row.
    private string SizeRangeQuery(string inner, bool withKey)
    {
        var (with, key) = RowsOf(inner, withKey);
        var ranges = string.Join(", ", _sizeExpressions.Select((size, i) => $"MIN({size}), MAX({size}), COUNT({Rows}.{_dialect.Quote(Column(i))})"));
        return withKey ? $"{with} SELECT COUNT(*), {ranges}, MAX({key}) FROM {Rows}" : $"{with} SELECT COUNT(*), {ranges} FROM {Rows}";
    }

    // WITH rows (key?, c0, c1 …) AS (inner), and the key column as the outer query names it.
    private (string With, string Key) RowsOf(string inner, bool withKey)
    {
        var key = _dialect.Quote(KeyColumn);
        var columns = string.Join(", ", [.. withKey ? [key] : Array.Empty<string>(), .. _plan.Measured.Select((_, i) => _dialect.Quote(Column(i)))]);
        return ($"WITH {Rows} ({columns}) AS ({inner})", $"{Rows}.{key}");
    }

    private static string Column(int index) => string.Create(CultureInfo.InvariantCulture, $"bulksafety_c{index}");

    // Runs read on the job's connection (open for the whole run), in a probe scope where the engine has one; when the
    // filter is refused, again without it.
    private async Task<TResult> ProbeAsync<TResult>(Func<ProbeScope?, bool, Task<TResult>> read, CancellationToken cancellationToken)
    {
        var database = _context.Database;
        while (true)
        {
            var filtered = Filtered;
            ProbeScope? scope = null;
            try
            {
                try
                {
                    scope = await _dialect.OpenProbeScopeAsync(database.GetDbConnection(), null, database.GetCommandTimeout(), async: true, cancellationToken).ConfigureAwait(false);
                }
                catch (ProbeRefusedException) when (!filtered)
                {
                    // Without the filter nothing of the caller's is evaluated: the reads may run outside a scope.
                }

                return await read(scope, filtered).ConfigureAwait(false);
            }
            catch (ProbeRefusedException refused) when (filtered)
            {
                Filtered = false;
                BatchLog.PricedWithoutFilter(_logger, _job, refused.Message);
            }
            finally
            {
                if (scope is not null)
                {
                    await scope.CloseAsync(async: true).ConfigureAwait(false);
                }
            }
        }
    }

    // The query EF Core translates, with a resumed job's parameter values, embedded by compose and read row by row: in the
    // scope once the scope has read what the query calls, or — without a scope, so without the filter — as a plain query.
    private async Task<List<TRow>> QueryAsync<TRow>(ProbeScope? scope, bool filtered, IQueryable<object?[]> query, Func<string, string> compose, Func<DbDataReader, TRow> read, CancellationToken cancellationToken)
    {
        var command = query.CreateDbCommand();
        try
        {
            _session.ApplyParameterValues(command);
            if (scope is not null)
            {
                if (filtered && !_read.Contains(command.CommandText))
                {
                    await scope.ReadQueryAsync(command, async: true, cancellationToken).ConfigureAwait(false);
                    _read.Add(command.CommandText);
                }

                return await scope.QueryRowsAsync(compose(command.CommandText), command, [], read, async: true, cancellationToken).ConfigureAwait(false);
            }

            command.CommandText = compose(command.CommandText);
            var rows = new List<TRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }
    }

    private object?[] ReadKey(DbDataReader reader)
    {
        var key = new object?[_keyReaders.Length];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = _keyReaders[i](reader, i);
        }

        return key;
    }

    // The rows' one combination of sizes, when each column has one size or only NULLs; null when some column has more.
    private (long Rows, long?[] Sizes)? ReadUniformRun(DbDataReader reader)
    {
        var rows = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        var sizes = new long?[_plan.Measured.Count];
        for (var i = 0; i < sizes.Length; i++)
        {
            var values = Convert.ToInt64(reader.GetValue(3 + (3 * i)), CultureInfo.InvariantCulture);
            if (values == 0)
            {
                continue;
            }

            var (least, most) = (Convert.ToInt64(reader.GetValue(1 + (3 * i)), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(2 + (3 * i)), CultureInfo.InvariantCulture));
            if (values != rows || least != most)
            {
                return null;
            }

            sizes[i] = least;
        }

        return (rows, sizes);
    }

    private (long Rows, long?[] Sizes) ReadRun(DbDataReader reader)
    {
        var sizes = new long?[_plan.Measured.Count];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = reader.IsDBNull(i + 1) ? null : Convert.ToInt64(reader.GetValue(i + 1), CultureInfo.InvariantCulture);
        }

        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), sizes);
    }

    // A key part as EF Core would materialise it: the provider's value, through the property's value converter if any.
    private static Func<DbDataReader, int, object?> KeyReader(IProperty property)
    {
        var converter = property.GetTypeMapping().Converter;
        var read = ReadFieldMethod.MakeGenericMethod(converter?.ProviderClrType ?? property.ClrType).CreateDelegate<Func<DbDataReader, int, object?>>();
        return converter is null ? read : (reader, i) => converter.ConvertFromProvider(read(reader, i));
    }

    private static object? ReadField<TValue>(DbDataReader reader, int ordinal) => reader.GetFieldValue<TValue>(ordinal);
}
