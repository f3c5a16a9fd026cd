namespace BulkSafety.Estimation;

/// <summary>
/// PostgreSQL 15 write-ahead log in steady state (8 KB pages), modelled record by record: heap INSERT/UPDATE/DELETE and
/// LOCK records, B-tree inserts, TOAST chunks of 1,996 bytes, HOT updates with prefix/suffix compression, COMMIT records,
/// 8-byte record alignment and the WAL page headers. Full-page images — the first change of a page after a checkpoint
/// logs the whole page — are bounded by <see cref="FullPageImageBound"/> and added to every row only when the profile is
/// created with <c>includeFullPageImages</c> (docs/estimation.md has the measured figures).
/// </summary>
public sealed class PostgresWalProfile : ReplicationProfile
{
    /// <summary>A tuple longer than this is TOASTed (TOAST_TUPLE_THRESHOLD for 8 KB pages).</summary>
    internal const int ToastTupleThreshold = 2032;

    /// <summary>The data bytes of one TOAST chunk (TOAST_MAX_CHUNK_SIZE for 8 KB pages).</summary>
    internal const int ToastChunkBytes = 1996;

    private const int ToastPointerBytes = 18;
    private const int ShortVarlenaMaxData = 126;
    private const int BTreeInsertRecordBytes = 64;
    private const int SmallRecordBytes = 56;

    // A block reference to a second page of the same relation: its 4-byte header and the block number.
    private const int SecondBlockReferenceBytes = 8;
    private const int WalPageBytes = 8168;
    private const int WalPageHeaderBytes = 24;

    /// <summary>A full-page image at most: the 8 KB page (its unused middle is left out) and a 5-byte image header.</summary>
    private const int FullPageImageBytes = 8192 + 5;

    /// <summary>TOAST chunk tuples per heap page (EXTERN_TUPLES_PER_PAGE), and TOAST index entries per leaf page at least.</summary>
    private const int ChunksPerPage = 4;
    private const int ToastIndexEntriesPerPage = 256;

    /// <summary>Creates the profile; use <see cref="ReplicationProfile.PostgresWal"/>.</summary>
    /// <param name="walLevel">The server's <c>wal_level</c>.</param>
    /// <param name="replicaIdentity">The tables' <c>REPLICA IDENTITY</c>.</param>
    /// <param name="includeFullPageImages">Whether every row also pays <see cref="FullPageImageBound"/>.</param>
    /// <param name="tableReplicaIdentities">Tables whose replica identity differs from <paramref name="replicaIdentity"/>; see <see cref="TableReplicaIdentities"/>.</param>
    internal PostgresWalProfile(
        PostgresWalLevel walLevel,
        PostgresReplicaIdentity replicaIdentity,
        bool includeFullPageImages = false,
        IReadOnlyDictionary<string, PostgresReplicaIdentity>? tableReplicaIdentities = null)
        : base(((walLevel, replicaIdentity) switch
        {
            (PostgresWalLevel.Replica, PostgresReplicaIdentity.Default or PostgresReplicaIdentity.Full) => "postgres-wal-replica",
            (PostgresWalLevel.Logical, PostgresReplicaIdentity.Default) => "postgres-wal-logical",
            (PostgresWalLevel.Logical, PostgresReplicaIdentity.Full) => "postgres-wal-logical-full",
            _ => throw new ArgumentOutOfRangeException(nameof(walLevel), $"Unknown wal_level {walLevel} or replica identity {replicaIdentity}."),
        }) + (includeFullPageImages ? "+fpi" : ""))
    {
        WalLevel = walLevel;
        ReplicaIdentity = replicaIdentity;
        IncludesFullPageImages = includeFullPageImages;
        TableReplicaIdentities = tableReplicaIdentities is null ? new Dictionary<string, PostgresReplicaIdentity>() : new Dictionary<string, PostgresReplicaIdentity>(tableReplicaIdentities, StringComparer.Ordinal);
        _buildLayout = table => new Layout(table.ColumnSpan, WalLevel == PostgresWalLevel.Logical && ReplicaIdentityOf(table) == PostgresReplicaIdentity.Full);
    }

    /// <summary>The server's <c>wal_level</c>.</summary>
    public PostgresWalLevel WalLevel { get; }

    /// <summary>The tables' <c>REPLICA IDENTITY</c>, unless <see cref="TableReplicaIdentities"/> names the table.</summary>
    public PostgresReplicaIdentity ReplicaIdentity { get; }

    /// <summary>
    /// Tables whose <c>REPLICA IDENTITY</c> differs from <see cref="ReplicaIdentity"/>, by <c>schema.table</c> or by bare
    /// table name (what <see cref="ReplicationProfile.DetectAsync"/> reads from <c>pg_class.relreplident</c>).
    /// </summary>
    public IReadOnlyDictionary<string, PostgresReplicaIdentity> TableReplicaIdentities { get; }

    /// <summary>
    /// Whether every row's estimate includes <see cref="FullPageImageBound"/>: the cost of a row whose pages are all
    /// first touched after a checkpoint, an upper bound (a page's image is logged once per checkpoint cycle, however many
    /// rows on it change).
    /// </summary>
    public bool IncludesFullPageImages { get; }

    private readonly Func<TableShape, Layout> _buildLayout;

    /// <summary>
    /// The replica identity of <paramref name="table"/>: <see cref="TableReplicaIdentities"/> by <c>schema.table</c> when
    /// the shape has a schema, then by bare name, else <see cref="ReplicaIdentity"/>. A detected profile lists a bare name
    /// only for the tables of the connection's default schema.
    /// </summary>
    /// <param name="table">The table.</param>
    public PostgresReplicaIdentity ReplicaIdentityOf(TableShape table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return (table.Schema is { } schema && TableReplicaIdentities.TryGetValue(schema + "." + table.Name, out var qualified)) ? qualified
            : TableReplicaIdentities.TryGetValue(table.Name, out var bare) ? bare
            : ReplicaIdentity;
    }

    /// <inheritdoc/>
    /// <remarks>Without the WAL page headers, which <see cref="EstimateTransactionOverhead"/> adds over the whole transaction.</remarks>
    public override long EstimateRow(TableShape table, in RowChange change)
        => SteadyRowBytes(table, change, otherPage: false) + (IncludesFullPageImages ? PageImageBound(table, change, otherPage: false) : 0);

    /// <inheritdoc/>
    /// <remarks>
    /// Each row is an UPDATE of its own in the WAL, priced as one whose new version goes to another page, which is what a
    /// table without free space does (measured: notes of 500 B, 776 B each at wal_level=replica): not HOT, so new entries
    /// in every index of the table; a LOCK record of the old version first; and an UPDATE record that names both pages and
    /// logs the whole new tuple. On a page with room the update costs less.
    /// </remarks>
    public override long EstimateCascadedUpdates(TableShape table, in RowChange row, long rowCount)
    {
        ValidateForeignKeyAction(row, rowCount, RowChangeKind.Update);
        var perRow = SteadyRowBytes(table, row, otherPage: true) + (IncludesFullPageImages ? PageImageBound(table, row, otherPage: true) : 0);
        return rowCount == 0 ? 0 : checked(rowCount * perRow);
    }

    /// <summary>
    /// The most WAL the full-page images of one row change can add: one image of at most 8,192 + 5 bytes for every page
    /// the change writes — its heap page (two for an update that is not HOT), one B-tree leaf per index entry it adds,
    /// and the TOAST heap and index pages of the out-of-line values it writes or deletes. PostgreSQL logs a page's image
    /// with the first change of that page after each checkpoint (<c>full_page_writes=on</c>, the default); a row whose
    /// pages were already changed since the last checkpoint adds nothing, and rows sharing a page share its image.
    /// </summary>
    /// <param name="table">The table written.</param>
    /// <param name="change">The row written.</param>
    public long FullPageImageBound(TableShape table, in RowChange change) => PageImageBound(table, change, otherPage: false);

    // otherPage: the new version goes to another page, so it needs new index entries even when it assigns no key column.
    private long PageImageBound(TableShape table, in RowChange change, bool otherPage)
    {
        change.Validate(table);
        var columns = table.LayoutFor(this, _buildLayout);
        var n = table.Columns.Count;
        Span<bool> oldExternal = n <= 256 ? stackalloc bool[n] : new bool[n];
        Span<bool> newExternal = n <= 256 ? stackalloc bool[n] : new bool[n];
        long pages;
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
                ChooseExternal(columns, change.After, newExternal);
                pages = 1 + table.IndexCount + ToastPages(change.After, newExternal, change, assignedOnly: false, withIndex: true);
                break;
            case RowChangeKind.Update:
                ChooseExternal(columns, change.Before, oldExternal);
                for (var i = 0; i < n; i++)
                {
                    newExternal[i] = oldExternal[i] && !change.IsAssigned(i);
                }

                ChooseExternal(columns, change.After, newExternal);
                pages = (otherPage || AssignsKey(columns, change) ? 2 + table.IndexCount : 1)
                    + ToastPages(change.After, newExternal, change, assignedOnly: true, withIndex: true)
                    + ToastPages(change.Before, oldExternal, change, assignedOnly: true, withIndex: false);
                break;
            default:
                ChooseExternal(columns, change.Before, oldExternal);
                pages = 1 + ToastPages(change.Before, oldExternal, change, assignedOnly: false, withIndex: false);
                break;
        }

        return pages * FullPageImageBytes;
    }

    // The TOAST heap pages a value's chunks occupy (4 per page, a run starting mid-page spans one more), and for chunks
    // being written the TOAST index leaves their entries go to. Deleting chunks does not touch the index.
    private static long ToastPages(ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, in RowChange change, bool assignedOnly, bool withIndex)
    {
        long pages = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && !values[i].IsNull && (!assignedOnly || change.IsAssigned(i)))
            {
                var chunks = ToastChunkCount(values[i].ByteLength);
                pages += Math.Min(chunks, ((chunks + ChunksPerPage - 1) / ChunksPerPage) + 1)
                    + (withIndex ? 1 + (chunks / ToastIndexEntriesPerPage) : 0);
            }
        }

        return pages;
    }

    private long SteadyRowBytes(TableShape table, in RowChange change, bool otherPage)
    {
        change.Validate(table);
        var columns = table.LayoutFor(this, _buildLayout);
        var n = table.Columns.Count;
        Span<bool> oldExternal = n <= 256 ? stackalloc bool[n] : new bool[n];
        Span<bool> newExternal = n <= 256 ? stackalloc bool[n] : new bool[n];
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
            {
                ChooseExternal(columns, change.After, newExternal);
                var tupleLength = TupleLength(columns, change.After, newExternal, keyOnly: false, default, out _, out _, out _);
                return Align8(31 + tupleLength) + (BTreeInsertRecordBytes * (long)table.IndexCount) + NewChunkBytes(columns, change.After, newExternal, change, assignedOnly: false);
            }

            case RowChangeKind.Update:
            {
                ChooseExternal(columns, change.Before, oldExternal);
                for (var i = 0; i < n; i++)
                {
                    newExternal[i] = oldExternal[i] && !change.IsAssigned(i);
                }

                ChooseExternal(columns, change.After, newExternal);
                Span<bool> assigned = n <= 256 ? stackalloc bool[n] : new bool[n];
                for (var i = 0; i < n; i++)
                {
                    assigned[i] = change.IsAssigned(i);
                }

                var newLength = TupleLength(columns, change.After, newExternal, keyOnly: false, assigned, out var newHeader, out var changedStart, out var changedEnd);
                long heap;
                if (WalLevel == PostgresWalLevel.Replica)
                {
                    heap = otherPage ? OtherPageUpdateRecordBytes(newHeader, newLength) : ReplicaUpdateRecordBytes(newHeader, newLength, changedStart, changedEnd);
                }
                else
                {
                    var body = 42 + (otherPage ? SecondBlockReferenceBytes : 0) + newLength;
                    if (columns.LogsOldRow)
                    {
                        var oldInline = TupleLength(columns, change.Before, default, keyOnly: false, default, out _, out _, out _);
                        body += 5 + oldInline - 23 + MainDataHeaderGrowth(14 + 5 + oldInline - 23);
                    }

                    heap = Align8(body);
                }

                var hot = !otherPage && !AssignsKey(columns, change);
                // A LOCK record of the old version, when the update must let go of its page to toast or to find another.
                return (otherPage || HasExternal(change.Before, oldExternal) ? SmallRecordBytes : 0)
                    + heap
                    + (hot ? 0 : BTreeInsertRecordBytes * (long)table.IndexCount)
                    + NewChunkBytes(columns, change.After, newExternal, change, assignedOnly: true)
                    + OldChunkBytes(change.Before, oldExternal, change, assignedOnly: true);
            }

            default:
            {
                ChooseExternal(columns, change.Before, oldExternal);
                long heap;
                if (WalLevel == PostgresWalLevel.Replica)
                {
                    heap = SmallRecordBytes;
                }
                else if (columns.LogsOldRow)
                {
                    var oldInline = TupleLength(columns, change.Before, default, keyOnly: false, default, out _, out _, out _);
                    heap = Align8(59 + oldInline - 23 + MainDataHeaderGrowth(8 + 5 + oldInline - 23));
                }
                else
                {
                    heap = Align8(59 + TupleLength(columns, change.Before, default, keyOnly: true, default, out _, out _, out _) - 23);
                }

                return heap + OldChunkBytes(change.Before, oldExternal, change, assignedOnly: false);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>The COMMIT record plus one 24-byte page header per 8,168 bytes of the transaction's WAL.</remarks>
    public override long EstimateTransactionOverhead(long statementBytes)
    {
        if (statementBytes <= 0)
        {
            return 0;
        }

        long commit = WalLevel == PostgresWalLevel.Replica ? 40 : 48;
        var pageHeaders = (((statementBytes + commit) * WalPageHeaderBytes) + (WalPageBytes / 2)) / WalPageBytes;
        return commit + pageHeaders;
    }

    /// <summary>The WAL bytes of the TOAST chunks of an out-of-line value of <paramref name="byteLength"/> bytes, index entries included.</summary>
    /// <param name="byteLength">The value's byte length.</param>
    internal static long ToastChunksBytes(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        var fullChunks = byteLength / ToastChunkBytes;
        var rest = byteLength % ToastChunkBytes;
        var perChunk = Align8(67 + ToastChunkBytes) + BTreeInsertRecordBytes;
        return (fullChunks * perChunk) + (rest > 0 ? Align8(67 + rest) + BTreeInsertRecordBytes : 0);
    }

    private static long ToastChunkCount(long byteLength) => (byteLength + ToastChunkBytes - 1) / ToastChunkBytes;

    private static long NewChunkBytes(Layout columns, ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, in RowChange change, bool assignedOnly)
    {
        long bytes = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && (!assignedOnly || change.IsAssigned(i)))
            {
                bytes += ToastChunksBytes(values[i].ByteLength);
            }
        }

        return bytes;
    }

    // Deleting a row, or replacing a value, deletes each old chunk: one small record per chunk.
    private static long OldChunkBytes(ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, in RowChange change, bool assignedOnly)
    {
        long bytes = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && (!assignedOnly || change.IsAssigned(i)))
            {
                bytes += SmallRecordBytes * ToastChunkCount(values[i].ByteLength);
            }
        }

        return bytes;
    }

    private static bool HasExternal(ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && !values[i].IsNull)
            {
                return true;
            }
        }

        return false;
    }

    // A key change cannot be a HOT update: the new tuple needs new index entries.
    private static bool AssignsKey(Layout columns, in RowChange change)
    {
        for (var i = 0; i < columns.IsKey.Length; i++)
        {
            if (columns.IsKey[i] && change.IsAssigned(i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The HOT_UPDATE (or same-page UPDATE) record at wal_level=replica: record header 24 + block reference 20 + main-data
    /// header 2 + xl_heap_update 14 + xl_heap_header 5, the NULL bitmap and padding of the new tuple's header, and of its
    /// data only what differs from the old tuple: PostgreSQL drops the common prefix and suffix (2 bytes each to store their
    /// lengths, so only when at least 3 bytes long). The differing bytes are those the assigned columns change (see
    /// <see cref="TypicalChangedBytes"/>).
    /// </summary>
    private static long ReplicaUpdateRecordBytes(int headerBytes, long tupleLength, long changedStart, long changedEnd)
    {
        var data = tupleLength - headerBytes;
        var prefix = changedStart < 0 ? data : changedStart - headerBytes;
        prefix = prefix < 3 ? 0 : prefix;
        var suffix = changedEnd < 0 ? 0 : Math.Min(tupleLength - changedEnd, data - prefix);
        suffix = suffix < 3 ? 0 : suffix;
        return Align8(65 + (prefix > 0 ? 2 : 0) + (suffix > 0 ? 2 : 0) + (headerBytes - 23) + (data - prefix - suffix));
    }

    /// <summary>
    /// The UPDATE record at wal_level=replica whose new version went to another page: as the same-page one, plus the
    /// second page's block reference, and with the whole new tuple (PostgreSQL compresses a prefix and suffix only within a page).
    /// </summary>
    private static long OtherPageUpdateRecordBytes(int headerBytes, long tupleLength)
        => Align8(65 + SecondBlockReferenceBytes + (headerBytes - 23) + (tupleLength - headerBytes));

    /// <summary>
    /// How many bytes of a fixed-width value an UPDATE typically changes: the values are little-endian, so a counter moved
    /// by a small step changes its low byte, and a microsecond timestamp rewritten seconds after the previous one its low
    /// three bytes; the higher bytes stay equal and join the common suffix. Other fixed-width types change entirely.
    /// </summary>
    private static int TypicalChangedBytes(ColumnType type, int fixedBytes) => type.Kind switch
    {
        ColumnTypeKind.Integer or ColumnTypeKind.Boolean or ColumnTypeKind.Date => 1,
        ColumnTypeKind.DateTime or ColumnTypeKind.Time => 3,
        _ => fixedBytes,
    };

    // Main data longer than 255 bytes needs a 5-byte instead of a 2-byte main-data header.
    private static int MainDataHeaderGrowth(long mainDataBytes) => mainDataBytes > 255 ? 3 : 0;

    /// <summary>
    /// Moves the largest inline text/binary values out of line, as the TOASTer does with incompressible data, until the
    /// tuple fits under <see cref="ToastTupleThreshold"/> or nothing larger than a TOAST pointer is left inline.
    /// Values already marked out of line stay so.
    /// </summary>
    private static void ChooseExternal(Layout columns, ReadOnlySpan<ColumnValue> values, Span<bool> external)
    {
        while (TupleLength(columns, values, external, keyOnly: false, default, out _, out _, out _) > ToastTupleThreshold)
        {
            var biggest = -1;
            long biggestBytes = 24; // MAXALIGN(TOAST_POINTER_SIZE): smaller values are never worth moving.
            for (var i = 0; i < values.Length; i++)
            {
                if (!external[i] && columns.IsToastable[i] && values[i].ByteLength > biggestBytes)
                {
                    biggest = i;
                    biggestBytes = values[i].ByteLength;
                }
            }

            if (biggest < 0)
            {
                return;
            }

            external[biggest] = true;
        }
    }

    /// <summary>
    /// The length of a heap tuple (t_len): a 23-byte header padded to 8 (with a NULL bitmap over all columns when any
    /// value is NULL), then each present value aligned to its type's alignment. Varlena values of at most 126 bytes take a
    /// 1-byte header and no alignment, larger ones a 4-byte header aligned to 4, out-of-line ones an 18-byte TOAST
    /// pointer. A key tuple (the old key logical WAL logs) has every column, the non-key ones NULL. The changed range
    /// spans the bytes the <paramref name="assigned"/> columns typically change (-1 when none is assigned).
    /// </summary>
    private static long TupleLength(Layout columns, ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, bool keyOnly, ReadOnlySpan<bool> assigned, out int headerBytes, out long changedStart, out long changedEnd)
    {
        var anyNull = false;
        for (var i = 0; i < values.Length; i++)
        {
            anyNull |= values[i].IsNull || (keyOnly && !columns.IsKey[i]);
        }

        headerBytes = anyNull ? (int)Align8(23 + ((values.Length + 7) / 8)) : 24;
        long offset = headerBytes;
        changedStart = -1;
        changedEnd = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if ((keyOnly && !columns.IsKey[i]) || values[i].IsNull)
            {
                continue;
            }

            long size;
            if (columns.FixedBytes[i] > 0)
            {
                offset = Align(offset, columns.Alignment[i]);
                size = columns.FixedBytes[i];
            }
            else
            {
                var data = columns.VarlenaDataBytes[i] >= 0 ? columns.VarlenaDataBytes[i] : values[i].ByteLength;
                if (!external.IsEmpty && external[i])
                {
                    size = ToastPointerBytes;
                }
                else if (data <= ShortVarlenaMaxData)
                {
                    size = 1 + data;
                }
                else
                {
                    offset = Align(offset, 4);
                    size = 4 + data;
                }
            }

            if (!assigned.IsEmpty && assigned[i])
            {
                changedStart = changedStart < 0 ? offset : changedStart;
                changedEnd = offset + (columns.FixedBytes[i] > 0 ? columns.ChangedBytes[i] : size);
            }

            offset += size;
        }

        return offset;
    }

    // Width and alignment of fixed-width types; 0 for varlena types.
    private static int FixedSize(ColumnType type, out int alignment)
    {
        (var size, alignment) = type.Kind switch
        {
            ColumnTypeKind.Integer => type.FixedSize switch
            {
                <= 2 => (2, 2),
                <= 4 => (4, 4),
                _ => (8, 8),
            },
            ColumnTypeKind.Boolean => (1, 1),
            ColumnTypeKind.Float => type.FixedSize == 4 ? (4, 4) : (8, 8),
            ColumnTypeKind.Date => (4, 4),
            ColumnTypeKind.DateTime or ColumnTypeKind.Time => (8, 8),
            ColumnTypeKind.Guid => (16, 1),
            _ => (0, 1),
        };
        return size;
    }

    // numeric: a 2-byte header word and 2 bytes per base-10000 digit, at most ceil(integral/4) + ceil(scale/4) of them.
    private static long NumericDataBytes(ColumnType type)
        => 2 + (2 * ((((type.Precision - type.Scale) + 3) / 4) + ((type.Scale + 3) / 4)));


    private static long Align8(long value) => Align(value, 8);

    private static long Align(long value, int alignment) => (value + alignment - 1) & ~(long)(alignment - 1);

    /// <summary>Each column's storage (attlen, attalign, varlena size, TOASTability), computed once per table.</summary>
    private sealed class Layout
    {
        public Layout(ReadOnlySpan<ColumnShape> columns, bool logsOldRow)
        {
            LogsOldRow = logsOldRow;
            var n = columns.Length;
            FixedBytes = new int[n];
            ChangedBytes = new int[n];
            Alignment = new int[n];
            VarlenaDataBytes = new long[n];
            IsToastable = new bool[n];
            IsKey = new bool[n];
            for (var i = 0; i < n; i++)
            {
                var type = columns[i].Type;
                FixedBytes[i] = FixedSize(type, out Alignment[i]);
                ChangedBytes[i] = TypicalChangedBytes(type, FixedBytes[i]);
                VarlenaDataBytes[i] = type.Kind == ColumnTypeKind.Decimal ? NumericDataBytes(type) : -1;
                IsToastable[i] = type.IsVariableLength;
                IsKey[i] = columns[i].IsKey;
            }
        }

        /// <summary>Whether UPDATE and DELETE log the whole old row (wal_level=logical, REPLICA IDENTITY FULL).</summary>
        public bool LogsOldRow { get; }

        /// <summary>The width of a fixed-width type; 0 for a varlena.</summary>
        public int[] FixedBytes { get; }

        /// <summary>The bytes of a fixed-width value an UPDATE typically changes (<see cref="TypicalChangedBytes"/>).</summary>
        public int[] ChangedBytes { get; }

        public int[] Alignment { get; }

        /// <summary>The data bytes of a varlena whose size the type fixes (numeric); -1 when the value's length decides.</summary>
        public long[] VarlenaDataBytes { get; }

        public bool[] IsToastable { get; }

        public bool[] IsKey { get; }
    }
}
