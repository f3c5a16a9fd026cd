using BulkSafety.Databases;
using BulkSafety.Estimation;
using BulkSafety.Interception;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.SafePaths;

/// <summary>
/// Prices a batch from the stored sizes the database measured for its rows (<see cref="BatchAggregate"/>): runs of rows
/// with the same text and binary sizes in the columns of the entity's table(s), fixed widths from the model,
/// through the guard's replication profile. A MySQL row-binlog batch is priced as the one statement it is (one
/// Annotate_rows and Table_map, rows packed into 8 KB Rows events); other profiles as the sum of their rows. The
/// checkpoint row of a named job is part of the batch.
/// </summary>
internal sealed class BatchEstimator
{
    // Column sources: a measured size (index into a run's sizes), or one of these.
    private const int FixedPresent = -1;
    private const int AlwaysNull = -2;
    private const int Unsizable = -3;
    private const int UnmeasuredVariable = -4;

    private readonly ReplicationProfile _profile;
    private readonly RowChangeKind _kind;
    private readonly TablePlan[] _tables;
    private readonly int _statementTextLength;
    private readonly long _checkpointBytes;

    /// <param name="tables">The entity's tables.</param>
    /// <param name="measured">The measured properties, in the order of the aggregate's columns.</param>
    /// <param name="profile">The guard's profile.</param>
    /// <param name="kind">Delete or update.</param>
    /// <param name="assigned">The properties an update assigns; <see langword="null"/> when unknown (then all of them).</param>
    /// <param name="statementTextLength">The approximate length of a batch statement's text (MySQL logs it once per batch).</param>
    /// <param name="checkpointBytes">The log bytes of a checkpoint write per batch; 0 without a checkpoint.</param>
    public BatchEstimator(IReadOnlyList<MappedTable> tables, IReadOnlyList<IProperty> measured, ReplicationProfile profile, RowChangeKind kind, IReadOnlySet<IProperty>? assigned, int statementTextLength, long checkpointBytes)
    {
        _profile = profile;
        _kind = kind;
        _statementTextLength = statementTextLength;
        _checkpointBytes = checkpointBytes;
        _tables = [.. tables
            .Select(t => new TablePlan(t, measured, kind, assigned))
            .Where(t => kind != RowChangeKind.Update || t.Assigned.Contains(true))];
    }

    /// <summary>Prices each row of the batch, per table: each combination of sizes once, for all the runs that have it.</summary>
    public Measurement Measure(BatchAggregate aggregate)
    {
        var perTable = new long[_tables.Length][];
        var perRow = new long[aggregate.Rows];
        var priced = new Dictionary<long?[], long>(SizesComparer.Instance);
        for (var t = 0; t < _tables.Length; t++)
        {
            var bytes = perTable[t] = new long[aggregate.Rows];
            var row = 0;
            priced.Clear();
            foreach (var (rows, sizes) in aggregate.Runs)
            {
                if (!priced.TryGetValue(sizes, out var rowBytes))
                {
                    priced[sizes] = rowBytes = _tables[t].RowBytes(_profile, _kind, sizes);
                }

                bytes.AsSpan(row, (int)rows).Fill(rowBytes);
                row += (int)rows;
            }

            for (var r = 0; r < perRow.Length; r++)
            {
                perRow[r] += bytes[r];
            }
        }

        return new Measurement(perTable, perRow);
    }

    /// <summary>What a job's units of work are called in the guard's messages and reports.</summary>
    public static string OperationName(RowChangeKind kind) => kind == RowChangeKind.Delete ? "DeleteInBatchesAsync" : "UpdateInBatchesAsync";

    /// <summary>
    /// The unit of work of a batch of the first <paramref name="rows"/> measured rows, with the rows the database deletes
    /// or sets to NULL below them (<paramref name="cascaded"/>: each target and what its probe counted).
    /// </summary>
    public UnitOfWorkEstimate Estimate(Measurement measurement, int rows, string contextName, DatabaseIdentity database, IReadOnlyList<(DatabaseCascade Cascade, AffectedRows Reached)> cascaded)
    {
        var estimate = new UnitOfWorkEstimate(_profile, contextName, database, OperationName(_kind));
        var kind = _kind == RowChangeKind.Delete ? EntityStateKind.Deleted : EntityStateKind.Updated;
        for (var t = 0; t < _tables.Length; t++)
        {
            var table = _tables[t];
            var rowBytes = measurement.PerTable[t].AsSpan(0, rows);
            var bytes = _profile.EstimateStatementWithLargestEvent(table.Table.Shape, _kind, _statementTextLength, rowBytes, out var largestEvent);
            estimate.AddStatement(table.Table.Identity, kind, rows, bytes, largestEvent, rewritten: null);
            foreach (var property in table.UnsizableColumns)
            {
                estimate.AddUnknown(table.Table, property);
            }
        }

        foreach (var (cascade, reached) in cascaded)
        {
            estimate.AddByDatabase(cascade, BulkCommandEstimator.TypicalRow(cascade, reached), reached.Rows);
        }

        if (_checkpointBytes > 0)
        {
            estimate.AddStatement(BatchCheckpointStore.TableName, EntityStateKind.Updated, 1, _checkpointBytes, largestEvent: 0, rewritten: null);
        }

        estimate.Complete();
        return estimate;
    }

    /// <summary>Each row's bytes per table (MySQL: its row images; others: its whole statement) and in total.</summary>
    public sealed record Measurement(long[][] PerTable, long[] PerRow);

    /// <summary>Compares combinations of sizes by their values: runs apart in the batch often have the same.</summary>
    private sealed class SizesComparer : IEqualityComparer<long?[]>
    {
        public static SizesComparer Instance { get; } = new();

        public bool Equals(long?[]? x, long?[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(long?[] obj)
        {
            var hash = default(HashCode);
            foreach (var size in obj)
            {
                hash.Add(size);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>How to fill one table's row values from a combination of measured sizes.</summary>
    private sealed class TablePlan
    {
        private readonly int[] _sources;
        private readonly ColumnValue[] _values;

        public TablePlan(MappedTable table, IReadOnlyList<IProperty> measured, RowChangeKind kind, IReadOnlySet<IProperty>? assigned)
        {
            Table = table;
            var readers = table.Readers;
            _sources = new int[readers.Length];
            _values = new ColumnValue[readers.Length];
            Assigned = new bool[readers.Length];
            var unsizable = new List<IProperty>();
            for (var i = 0; i < readers.Length; i++)
            {
                var property = readers[i].Property;
                var type = table.Shape.Columns[i].Type;
                var slot = property is null ? -1 : IndexOf(measured, property);
                _sources[i] = property is null ? AlwaysNull
                    : slot >= 0 ? slot
                    : readers[i].IsUnknown ? Unsizable
                    : type.IsVariableLength ? UnmeasuredVariable
                    : FixedPresent;
                if (_sources[i] == Unsizable)
                {
                    unsizable.Add(property!);
                }

                Assigned[i] = kind == RowChangeKind.Update && property is not null && (assigned is null || assigned.Contains(property));
            }

            UnsizableColumns = unsizable;
        }

        public MappedTable Table { get; }

        /// <summary>The columns an update assigns (all false for a delete).</summary>
        public bool[] Assigned { get; }

        public IReadOnlyList<IProperty> UnsizableColumns { get; }

        public long RowBytes(ReplicationProfile profile, RowChangeKind kind, long?[] sizes)
        {
            var shape = Table.Shape;
            for (var i = 0; i < _values.Length; i++)
            {
                _values[i] = _sources[i] switch
                {
                    FixedPresent => ColumnValue.Present,
                    AlwaysNull => ColumnValue.Null,
                    Unsizable => ColumnValue.OfLength(StoreTypeMapper.UnknownValueBytes),
                    UnmeasuredVariable => ColumnValue.OfLength(shape.Columns[i].Type.MaxBytes ?? StoreTypeMapper.UnknownValueBytes),
                    var slot => sizes[slot] is { } length ? ColumnValue.OfLength(length) : ColumnValue.Null,
                };
            }

            // An update's new values are sized like the stored ones: a setter rarely changes a value's size much, and
            // the new values are not known before the statement runs.
            var change = kind == RowChangeKind.Delete ? RowChange.Delete(_values) : RowChange.Update(_values, _values, Assigned);
            return profile.RowBytesInStatement(shape, change);
        }

        private static int IndexOf(IReadOnlyList<IProperty> properties, IProperty property)
        {
            for (var i = 0; i < properties.Count; i++)
            {
                if (ReferenceEquals(properties[i], property))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
