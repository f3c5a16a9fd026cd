using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using BulkSafety.Interception;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace BulkSafety.SafePaths;

/// <summary>
/// What a batched job asks the database before its batches — the rows to go, and for the rows ahead in key order each
/// one's key and the stored sizes of its text and binary columns (<see cref="DatabaseDialect.StoredBytes"/>), never their
/// values — as probes: the query EF Core translates from <see cref="KeysetPlan{T}.RowsAhead"/>, embedded in a
/// <c>SELECT</c> of the key and the sizes, run in a <see cref="ProbeScope"/>: read-only, rolled back, and refused when the
/// caller's filter calls anything not known to be free of side effects. The job cuts its batches from these rows (the
/// batch ends at a row's key and holds the rows up to it, <see cref="Peek"/>), so one read serves many batches. A refused
/// filter is not evaluated again: the probes then read the table's rows in the same key ranges without it
/// (<see cref="KeysetPlan{T}.Table"/>) — every row a batch can change, and possibly more, so batches are priced high, never
/// low. Where even the scope is refused (a MySQL session whose sql_mode the guard does not read), those reads run as plain
/// queries, having nothing of the caller's to evaluate. A delete's batch is also asked what the database will delete or
/// set to NULL below its rows (<see cref="MeasureCascadeAsync"/>), the same way.
/// </summary>
internal sealed class BatchProbe<T>
{
    private const string Rows = "bulksafety_rows";
    private const string Batch = "bulksafety_batch";

    private static readonly MethodInfo ReadFieldMethod = typeof(BatchProbe<T>).GetMethod(nameof(ReadField), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly KeysetPlan<T> _plan;
    private readonly DbContext _context;
    private readonly GuardSession _session;
    private readonly DatabaseDialect _dialect;
    private readonly ILogger _logger;
    private readonly string _job;
    private readonly Func<DbDataReader, int, object?>[] _keyReaders;
    private readonly string[] _sizeExpressions;

    // The texts of the queries whose calls a scope has read: each read's query differs only in its parameters' values,
    // so each text is read once per job.
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    // The rows read ahead and not yet in a committed batch, in key order: each one's key — as the database's integer for
    // an integer key, else as EF Core materialises it — and its measured sizes at [row * measured count …] (-1 for NULL).
    private readonly List<long> _integerKeys = [];
    private readonly List<object?[]> _keys = [];
    private readonly List<long> _sizes = [];
    private readonly Func<long, object?> _integerKey;
    private int _next;

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
        _integerKey = IntegerKey(plan.Key[0]);
        _sizeExpressions = [.. plan.Measured.Select((p, i) => _dialect.StoredBytes(Rows, Column(plan.MeasuredOrdinals[i]), StoreTypeMapper.Map(p).Type))];
    }

    /// <summary>Whether the probes evaluate the caller's filter; <see langword="false"/> once it was refused.</summary>
    public bool Filtered { get; private set; } = true;

    /// <summary>The rows read ahead that no committed batch has taken.</summary>
    public int Buffered => Read - _next;

    private int Read => _plan.HasIntegerKey ? _integerKeys.Count : _keys.Count;

    /// <summary>Whether the last read found every row after the lower bound: no row lies beyond the buffered ones.</summary>
    public bool ReachedEnd { get; private set; }

    /// <summary>The rows after the plan's lower bound: the filter's, or the table's when it is not evaluated.</summary>
    public Task<long> CountRemainingAsync(CancellationToken cancellationToken)
        => ProbeAsync(
            async (scope, filtered) => (await QueryAsync(scope, filtered, _plan.RemainingKeys(filtered), inner => $"SELECT COUNT(*) FROM ({inner}) AS {Rows}", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0],
            cancellationToken);

    /// <summary>
    /// The rows of one dependent table that the database will delete (<c>ON DELETE CASCADE</c>) or update (<c>SET NULL</c>)
    /// when the current batch deletes its rows, reached by any of <paramref name="chains"/>, counted once, with the summed
    /// stored sizes of its text and binary columns (<see cref="DatabaseCascade.Measured"/>).
    /// </summary>
    public Task<AffectedRows> MeasureCascadeAsync(DatabaseCascade[] chains, CancellationToken cancellationToken)
        => ProbeAsync(
            async (scope, filtered) => (await QueryAsync(scope, filtered, _plan.BatchKeys(filtered), inner => CascadeQuery(inner, chains), BulkStatementProbe.ReadCascade(chains[0].Measured.Length, "COUNT(*) of the rows the database's ON DELETE actions reach from the batch"), cancellationToken).ConfigureAwait(false))[0],
            cancellationToken);

    // WITH the batch's keys, the bulk-command probe's cascade query rooted at the entity's table, whose key must be one of
    // the batch's.
    private string CascadeQuery(string inner, DatabaseCascade[] chains)
    {
        const string Root = "bulksafety_root";
        var principal = chains[0].Path[0].PrincipalTable;
        var table = StoreObjectIdentifier.Table(principal.Name, principal.Schema);
        var keys = string.Join(", ", _plan.Key.Select((_, i) => _dialect.Quote(Column(i))));
        var cascade = BulkStatementProbe.CascadeQuery(_dialect, chains, chains[0].Measured, $"{_dialect.QuoteTable(principal.Schema, principal.Name)} AS {Root}", Root, text =>
        {
            text.Append("EXISTS (SELECT 1 FROM ").Append(Batch).Append(" WHERE ");
            for (var i = 0; i < _plan.Key.Count; i++)
            {
                text.Append(i > 0 ? " AND " : "").Append(Batch).Append('.').Append(_dialect.Quote(Column(i)))
                    .Append(" = ").Append(Root).Append('.').Append(_dialect.Quote(_plan.Key[i].GetColumnName(table)!));
            }

            text.Append(')');
        });
        return $"WITH {Batch} ({keys}) AS ({inner}) {cascade}";
    }

    /// <summary>
    /// Replaces the buffer with the next <paramref name="rows"/> rows after the plan's lower bound, in key order: each
    /// one's key and measured sizes.
    /// </summary>
    public Task ReadAheadAsync(int rows, CancellationToken cancellationToken)
        => ProbeAsync(
            async (scope, filtered) =>
            {
                Discard();
                await QueryAsync(scope, filtered, _plan.RowsAhead(rows, filtered), SizesQuery, ReadRow, cancellationToken).ConfigureAwait(false);
                if (_plan.HasIntegerKey)
                {
                    // The query orders its LIMIT; the outer SELECT need not keep that order, and ordering here is cheaper
                    // than asking the database to sort again (SQLite would).
                    KeyOrder.Sort(_integerKeys, _sizes, _plan.Measured.Count);
                }

                ReachedEnd = Read < rows;
                return true;
            },
            cancellationToken);

    /// <summary>Forgets the rows read ahead: the job waited, and they may have changed since.</summary>
    public void Discard()
    {
        _integerKeys.Clear();
        _keys.Clear();
        _sizes.Clear();
        _next = 0;
        ReachedEnd = false;
    }

    /// <summary>
    /// The first <paramref name="rows"/> buffered rows (at most <see cref="Buffered"/>) as a batch: the key of its last
    /// row, and its rows by runs of equal sizes in key order.
    /// </summary>
    public (object?[] Upper, BatchAggregate Aggregate) Peek(int rows)
    {
        var width = _plan.Measured.Count;
        var sizes = CollectionsMarshal.AsSpan(_sizes);
        var runs = new List<(long Rows, long?[] Sizes)>();
        for (var row = _next; row < _next + rows; row++)
        {
            var these = sizes.Slice(row * width, width);
            if (row > _next && these.SequenceEqual(sizes.Slice((row - 1) * width, width)))
            {
                runs[^1] = (runs[^1].Rows + 1, runs[^1].Sizes);
                continue;
            }

            var run = new long?[width];
            for (var i = 0; i < width; i++)
            {
                run[i] = these[i] < 0 ? null : these[i];
            }

            runs.Add((1, run));
        }

        var last = _next + rows - 1;
        return (_plan.HasIntegerKey ? [_integerKey(_integerKeys[last])] : _keys[last], new BatchAggregate(rows, runs));
    }

    /// <summary>Drops the first <paramref name="rows"/> buffered rows, their batch having committed (nothing when the buffer was discarded meanwhile).</summary>
    public void Consume(int rows) => _next = Math.Min(_next + rows, Read);

    // SELECT the key parts and the size of each measured column, FROM the rows the inner query reads.
    private string SizesQuery(string inner)
    {
        var keys = _plan.Key.Select((_, i) => $"{Rows}.{_dialect.Quote(Column(i))}");
        var columns = string.Join(", ", Enumerable.Range(0, _plan.RowsAheadWidth).Select(i => _dialect.Quote(Column(i))));
        var order = _plan.HasIntegerKey ? "" : $" ORDER BY {string.Join(", ", keys)}";
        return $"WITH {Rows} ({columns}) AS ({inner}) SELECT {string.Join(", ", [.. keys, .. _sizeExpressions])} FROM {Rows}{order}";
    }

    // Buffers a row's key and measured sizes.
    private bool ReadRow(DbDataReader reader)
    {
        if (_plan.HasIntegerKey)
        {
            _integerKeys.Add(reader.GetInt64(0));
        }
        else
        {
            var key = new object?[_keyReaders.Length];
            for (var i = 0; i < key.Length; i++)
            {
                key[i] = _keyReaders[i](reader, i);
            }

            _keys.Add(key);
        }

        for (var ordinal = _plan.Key.Count; ordinal < _plan.Key.Count + _plan.Measured.Count; ordinal++)
        {
            _sizes.Add(reader.IsDBNull(ordinal) ? -1 : reader.GetInt64(ordinal));
        }

        return true;
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

    // A key part as EF Core would materialise it: the provider's value, through the property's value converter if any.
    private static Func<DbDataReader, int, object?> KeyReader(IProperty property)
    {
        var converter = property.GetTypeMapping().Converter;
        var read = ReadFieldMethod.MakeGenericMethod(converter?.ProviderClrType ?? property.ClrType).CreateDelegate<Func<DbDataReader, int, object?>>();
        return converter is null ? read : (reader, i) => converter.ConvertFromProvider(read(reader, i));
    }

    // An integer key part as EF Core would materialise it from the database's value.
    private static Func<long, object?> IntegerKey(IProperty property)
    {
        var converter = property.GetTypeMapping().Converter;
        var provider = converter?.ProviderClrType ?? property.ClrType;
        return value => Convert.ChangeType(value, provider, CultureInfo.InvariantCulture) is var stored && converter is not null ? converter.ConvertFromProvider(stored) : stored;
    }

    private static object? ReadField<TValue>(DbDataReader reader, int ordinal) => reader.GetFieldValue<TValue>(ordinal);
}
