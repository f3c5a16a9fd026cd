namespace BulkSafety.Estimation;

/// <summary>
/// MariaDB/MySQL row-based binary logging (<c>binlog_format=ROW</c>), modelled event by event after MariaDB 10.11's binlog
/// v4 format: every transaction is a GTID event and an XID event around its statements; every statement is an
/// Annotate_rows event (when enabled), a Table_map event per table and Write/Update/Delete_rows events carrying the row
/// images. See docs/guard.md for the formula and the assumptions.
/// </summary>
public sealed class MySqlRowProfile : ReplicationProfile
{
    /// <summary>The common header of every binlog v4 event.</summary>
    internal const int EventHeaderBytes = 19;

    private readonly int _databaseNameBytes;
    private readonly Func<TableShape, Layout> _buildLayout;

    /// <summary>Creates the profile; use <see cref="ReplicationProfile.MySqlRow"/>.</summary>
    /// <param name="rowImage">The server's <c>binlog_row_image</c>.</param>
    /// <param name="settings">The other byte-relevant settings.</param>
    internal MySqlRowProfile(BinlogRowImage rowImage, MySqlBinlogSettings settings)
        : base(rowImage switch
        {
            BinlogRowImage.Full => "mysql-row-full",
            BinlogRowImage.Minimal => "mysql-row-minimal",
            BinlogRowImage.NoBlob => "mysql-row-noblob",
            _ => throw new ArgumentOutOfRangeException(nameof(rowImage), rowImage, "Unknown binlog_row_image."),
        })
    {
        ArgumentNullException.ThrowIfNull(settings);
        RowImage = rowImage;
        Settings = settings;
        _databaseNameBytes = Utf8Length(settings.DatabaseName);
        _buildLayout = BuildLayout;
    }

    /// <summary>The server's <c>binlog_row_image</c>.</summary>
    public BinlogRowImage RowImage { get; }

    /// <summary>The other byte-relevant settings.</summary>
    public MySqlBinlogSettings Settings { get; }

    /// <summary>The GTID event that opens a transaction (MariaDB's BEGIN marker): 19 + 19 + checksum.</summary>
    internal int GtidEventBytes => EventHeaderBytes + 19 + ChecksumBytes;

    /// <summary>The XID event that commits a transaction: 19 + 8 + checksum.</summary>
    internal int XidEventBytes => EventHeaderBytes + 8 + ChecksumBytes;

    private int ChecksumBytes => Settings.Checksum == BinlogChecksum.Crc32 ? 4 : 0;

    /// <inheritdoc/>
    public override long EstimateRow(TableShape table, in RowChange change) => EstimateRowWithLargestEvent(table, change, out _);

    /// <inheritdoc/>
    internal override long EstimateRowWithLargestEvent(TableShape table, in RowChange change, out long largestEvent)
    {
        change.Validate(table);
        var layout = table.LayoutFor(this, _buildLayout);
        var textLength = change.StatementTextLength ?? EstimateStatementTextLength(table, layout, change);
        var rowsEvent = RowsEventBytes(table, change.Kind, ImagesBytes(layout, change));
        largestEvent = LargestEvent(layout, textLength, rowsEvent);
        return StatementFramingBytes(layout, change.Kind, textLength) + rowsEvent;
    }

    /// <inheritdoc/>
    public override long EstimateTransactionOverhead(long statementBytes) => statementBytes > 0 ? GtidEventBytes + XidEventBytes : 0;

    /// <inheritdoc/>
    /// <remarks>
    /// One Annotate_rows event (when enabled) and one Table_map per statement (plus one per <c>ON DELETE CASCADE</c> table for
    /// a DELETE), then the rows packed into Rows events: as many rows as fit in
    /// <see cref="MySqlBinlogSettings.RowEventMaxSize"/> bytes of event data, at least one per event.
    /// </remarks>
    public override long EstimateStatement(TableShape table, in RowChange row, long rowCount) => EstimateStatementWithLargestEvent(table, row, rowCount, out _);

    /// <inheritdoc/>
    internal override long EstimateStatementWithLargestEvent(TableShape table, in RowChange row, long rowCount, out long largestEvent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        row.Validate(table);
        largestEvent = 0;
        if (rowCount == 0)
        {
            return 0;
        }

        var layout = table.LayoutFor(this, _buildLayout);
        var textLength = row.StatementTextLength ?? EstimateStatementTextLength(table, layout, row);
        var image = ImagesBytes(layout, row);
        var postHeader = RowsEventPostHeaderBytes(table, row.Kind);
        var rowsPerEvent = image == 0 ? rowCount : Math.Max(1, (Settings.RowEventMaxSize - postHeader) / image);
        var events = (rowCount + rowsPerEvent - 1) / rowsPerEvent;
        largestEvent = LargestEvent(layout, textLength, EventHeaderBytes + postHeader + (Math.Min(rowCount, rowsPerEvent) * image) + ChecksumBytes);
        return checked(StatementFramingBytes(layout, row.Kind, textLength)
            + (events * (EventHeaderBytes + postHeader + ChecksumBytes))
            + (rowCount * image));
    }

    /// <inheritdoc/>
    /// <remarks>InnoDB's cascaded rows are not in the row binlog: 0 bytes. Their tables' Table_map events belong to the
    /// parent's DELETE statement (<see cref="TableShape.CascadeDeleteTables"/>).</remarks>
    public override long EstimateCascadedDeletes(TableShape table, in RowChange row, long rowCount)
    {
        row.Validate(table);
        ValidateForeignKeyAction(row, rowCount, RowChangeKind.Delete);
        return 0;
    }

    /// <inheritdoc/>
    /// <remarks>InnoDB's foreign-key actions are not in the row binlog: 0 bytes. Their tables' Table_map events belong to
    /// the parent's DELETE statement (<see cref="TableShape.CascadeDeleteTables"/>).</remarks>
    public override long EstimateCascadedUpdates(TableShape table, in RowChange row, long rowCount)
    {
        row.Validate(table);
        ValidateForeignKeyAction(row, rowCount, RowChangeKind.Update);
        return 0;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Its Annotate_rows and Table_map events and its rows packed into Rows events of at most
    /// <see cref="MySqlBinlogSettings.RowEventMaxSize"/> bytes. A statement that changes no row logs nothing.
    /// </remarks>
    public override long EstimateStatement(TableShape table, RowChangeKind kind, int statementTextLength, ReadOnlySpan<long> rowBytes)
        => EstimateStatementWithLargestEvent(table, kind, statementTextLength, rowBytes, out _);

    /// <inheritdoc/>
    internal override long EstimateStatementWithLargestEvent(TableShape table, RowChangeKind kind, int statementTextLength, ReadOnlySpan<long> rowBytes, out long largestEvent)
    {
        var rowImagesBytes = rowBytes;
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegative(statementTextLength);
        largestEvent = 0;
        if (rowImagesBytes.IsEmpty)
        {
            return 0;
        }

        var postHeader = RowsEventPostHeaderBytes(table, kind);
        var layout = table.LayoutFor(this, _buildLayout);
        var total = StatementFramingBytes(layout, kind, statementTextLength);
        long inEvent = 0;
        long largestRowsEvent = 0;
        var open = false;
        foreach (var row in rowImagesBytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row, nameof(rowImagesBytes));
            if (open && postHeader + inEvent + row > Settings.RowEventMaxSize)
            {
                total += CloseRowsEvent();
                inEvent = 0;
            }

            inEvent += row;
            open = true;
        }

        total += CloseRowsEvent();
        largestEvent = LargestEvent(layout, statementTextLength, largestRowsEvent);
        return total;

        long CloseRowsEvent()
        {
            var bytes = EventHeaderBytes + postHeader + inEvent + ChecksumBytes;
            largestRowsEvent = Math.Max(largestRowsEvent, bytes);
            return bytes;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The row's images: <see cref="RowImagesBytes"/>.</remarks>
    public override long RowBytesInStatement(TableShape table, in RowChange change) => RowImagesBytes(table, change);

    /// <inheritdoc/>
    public override bool LogsStatementText => Settings.AnnotateRowEvents;

    /// <summary>
    /// The bytes one row contributes to a Rows event: its before image (UPDATE, DELETE) and after image (INSERT, UPDATE),
    /// each a NULL bitmap over the logged columns followed by their encoded values, the columns chosen by
    /// <see cref="RowImage"/>.
    /// </summary>
    /// <param name="table">The table written.</param>
    /// <param name="change">The row written.</param>
    internal long RowImagesBytes(TableShape table, in RowChange change)
    {
        change.Validate(table);
        return ImagesBytes(table.LayoutFor(this, _buildLayout), change);
    }

    private long ImagesBytes(Layout layout, in RowChange change)
        => change.Kind switch
        {
            RowChangeKind.Insert => ImageBytes(layout, change.After, change, isBefore: false),
            RowChangeKind.Update => ImageBytes(layout, change.Before, change, isBefore: true) + ImageBytes(layout, change.After, change, isBefore: false),
            _ => ImageBytes(layout, change.Before, change, isBefore: true),
        };

    /// <summary>
    /// The Table_map event for <paramref name="table"/>: 19 + 8 + database and table names (each length-prefixed and
    /// NUL-terminated) + column count + one type byte per column + type metadata + a nullability bitmap + checksum.
    /// </summary>
    /// <param name="table">The table.</param>
    internal long TableMapEventBytes(TableShape table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.LayoutFor(this, _buildLayout).TableMapBytes;
    }

    /// <summary>The byte size of one encoded value of <paramref name="type"/> in a row image (NULL values take none).</summary>
    /// <param name="type">The column type.</param>
    /// <param name="value">The value; only its byte length is read.</param>
    internal static long ValueBytes(ColumnType type, ColumnValue value)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (value.IsNull)
        {
            return 0;
        }

        return type.Kind switch
        {
            ColumnTypeKind.Integer or ColumnTypeKind.Float => type.FixedSize,
            ColumnTypeKind.Boolean => 1,
            ColumnTypeKind.Decimal => DecimalBinaryBytes(type.Precision, type.Scale),
            ColumnTypeKind.Date => 3,
            ColumnTypeKind.DateTime => 5 + ((type.FractionalSeconds + 1) / 2),
            ColumnTypeKind.Time => 3 + ((type.FractionalSeconds + 1) / 2),

            // CHAR(36) in utf8mb4: 144 bytes at most, so a 1-byte length prefix and 36 ASCII bytes.
            ColumnTypeKind.Guid => 1 + 36,
            ColumnTypeKind.VarChar or ColumnTypeKind.Char or ColumnTypeKind.VarBinary
                => (type.MaxBytes <= 255 ? 1 : 2) + value.ByteLength,
            ColumnTypeKind.Text or ColumnTypeKind.Blob => LargeObjectPrefixBytes(type.MaxBytes) + value.ByteLength,

            // Unknown types are logged as LONGBLOB values of their conservative length.
            _ => 4 + value.ByteLength,
        };
    }

    private long StatementFramingBytes(Layout layout, RowChangeKind kind, int statementTextLength)
        => AnnotateEventBytes(statementTextLength)
            + layout.TableMapBytes
            + (kind == RowChangeKind.Delete ? layout.CascadeTableMapBytes : 0);

    private long AnnotateEventBytes(int statementTextLength) => Settings.AnnotateRowEvents ? EventHeaderBytes + statementTextLength + ChecksumBytes : 0;

    // The largest event of a statement: its text (Annotate_rows), its table's Table_map or its largest Rows event (the
    // Table_maps of a DELETE's cascade tables are left out).
    private long LargestEvent(Layout layout, int statementTextLength, long largestRowsEvent)
        => Math.Max(Math.Max(AnnotateEventBytes(statementTextLength), layout.TableMapBytes), largestRowsEvent);

    private long RowsEventBytes(TableShape table, RowChangeKind kind, long rowImagesBytes)
        => EventHeaderBytes + RowsEventPostHeaderBytes(table, kind) + rowImagesBytes + ChecksumBytes;

    // Table id (6) + flags (2), the column count, and the columns-present bitmap (two of them for an UPDATE).
    private static int RowsEventPostHeaderBytes(TableShape table, RowChangeKind kind)
    {
        var n = table.Columns.Count;
        return 8 + LengthEncodedIntegerBytes(n) + (BitmapBytes(n) * (kind == RowChangeKind.Update ? 2 : 1));
    }

    private long ImageBytes(Layout layout, ReadOnlySpan<ColumnValue> values, in RowChange change, bool isBefore)
    {
        var logged = 0;
        long bytes = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var isLogged = RowImage switch
            {
                BinlogRowImage.Full => true,
                BinlogRowImage.Minimal => isBefore ? layout.IdentifiesRow[i] : change.IsAssigned(i),
                _ => !layout.IsLargeObject[i] || (!isBefore && change.IsAssigned(i)),
            };
            if (isLogged)
            {
                logged++;
                var value = values[i];
                bytes += value.IsNull ? 0 : layout.BaseBytes[i] + (layout.IsVariable[i] ? value.ByteLength : 0);
            }
        }

        return BitmapBytes(logged) + bytes;
    }

    /// <summary>
    /// The length of the statement text the server logs for the SQL EF Core's MySQL provider (Pomelo) generates for a
    /// single-row statement: backtick-quoted names, one line break before VALUES/WHERE, a DELETE followed by
    /// <c>RETURNING 1</c> (Pomelo reads its row count that way on MariaDB 10.5+; an UPDATE's row count comes from a
    /// separate <c>SELECT ROW_COUNT()</c>, which is not logged), and without the terminating semicolon (the server splits
    /// a multi-statement command and logs each statement up to it). Values are written in (MySqlConnector's
    /// client-side parameters: text quoted, a date and time as <c>timestamp('…')</c>) or are <c>@pN</c> placeholders.
    /// Literal widths of numbers, dates and times are typical values, not the real ones. Measured through Pomelo on
    /// MariaDB 10.11: docs/real-databases.md.
    /// </summary>
    private int EstimateStatementTextLength(TableShape table, Layout layout, in RowChange change)
    {
        var columns = table.ColumnSpan;
        var names = table.ColumnNameBytes;
        var tableName = table.NameBytes + 2;
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
            {
                int columnNames = 0, literals = 0, count = 0;
                for (var i = 0; i < columns.Length; i++)
                {
                    if (change.IsAssigned(i))
                    {
                        columnNames += names[i] + 2;
                        literals += LiteralLength(layout, i, change.After[i], count);
                        count++;
                    }
                }

                var separators = 2 * Math.Max(count - 1, 0);

                // INSERT INTO `t` (`a`, `b`)\nVALUES (x, y)
                return "INSERT INTO ".Length + tableName + " (".Length + columnNames + separators + ")\nVALUES (".Length + literals + separators + ")".Length;
            }

            case RowChangeKind.Update:
            {
                int set = 0, count = 0;
                for (var i = 0; i < columns.Length; i++)
                {
                    if (change.IsAssigned(i))
                    {
                        set += names[i] + 2 + " = ".Length + LiteralLength(layout, i, change.After[i], count);
                        count++;
                    }
                }

                // UPDATE `t` SET `a` = x, `b` = y\nWHERE `id` = k
                return "UPDATE ".Length + tableName + " SET ".Length + set + (2 * Math.Max(count - 1, 0)) + KeyPredicateLength(table, layout, change.Before, count);
            }

            default:
                // DELETE FROM `t`\nWHERE `id` = k\nRETURNING 1
                return "DELETE FROM ".Length + tableName + KeyPredicateLength(table, layout, change.Before, 0) + "\nRETURNING 1".Length;
        }
    }

    private int KeyPredicateLength(TableShape table, Layout layout, ReadOnlySpan<ColumnValue> before, int parameterIndex)
    {
        var columns = table.ColumnSpan;
        var names = table.ColumnNameBytes;
        int length = "\nWHERE ".Length, count = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i].IsKey)
            {
                length += (count > 0 ? " AND ".Length : 0) + names[i] + 2 + " = ".Length + LiteralLength(layout, i, before[i], parameterIndex + count);
                count++;
            }
        }

        return length;
    }

    private int LiteralLength(Layout layout, int column, ColumnValue value, int parameterIndex)
    {
        if (!Settings.ValuesInStatementText)
        {
            return parameterIndex < 10 ? 3 : parameterIndex < 100 ? 4 : 5; // @p0, @p12, @p123
        }

        return value.IsNull ? "NULL".Length
            : layout.IsVariable[column] ? (int)Math.Min(int.MaxValue / 2, value.ByteLength) + layout.LiteralBytes[column]
            : layout.LiteralBytes[column];
    }

    private Layout BuildLayout(TableShape table)
    {
        var columns = table.ColumnSpan;
        var layout = new Layout(columns.Length);
        var metadata = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            var type = columns[i].Type;
            metadata += MetadataBytes(type);
            layout.IsVariable[i] = type.IsVariableLength;
            layout.BaseBytes[i] = (int)ValueBytes(type, type.IsVariableLength ? ColumnValue.OfLength(0) : ColumnValue.Present);
            layout.IsLargeObject[i] = type.IsLargeObject;
            layout.IdentifiesRow[i] = columns[i].IsKey || !table.HasKey;
            layout.LiteralBytes[i] = type.Kind switch
            {
                ColumnTypeKind.Boolean => 1,
                ColumnTypeKind.Integer or ColumnTypeKind.Float or ColumnTypeKind.Decimal => 6,
                ColumnTypeKind.Date => "'2025-01-31'".Length,
                ColumnTypeKind.DateTime => "timestamp('2025-01-31 12:34:56.123456')".Length,
                ColumnTypeKind.Time => "'12:34:56.123456'".Length,
                ColumnTypeKind.Guid => 38,
                ColumnTypeKind.VarBinary or ColumnTypeKind.Blob or ColumnTypeKind.Unknown => "_binary''".Length,
                _ => "''".Length,
            };
        }

        var n = columns.Length;
        layout.TableMapBytes = EventHeaderBytes + 8
            + (1 + _databaseNameBytes + 1)
            + (1 + table.NameBytes + 1)
            + LengthEncodedIntegerBytes(n) + n
            + LengthEncodedIntegerBytes(metadata) + metadata
            + BitmapBytes(n)
            + OptionalMetadataBytes(table)
            + ChecksumBytes;
        foreach (var cascaded in table.CascadeDeleteTables)
        {
            layout.CascadeTableMapBytes += TableMapEventBytes(cascaded);
        }

        return layout;
    }

    /// <summary>
    /// The optional metadata fields <c>binlog_row_metadata</c> adds to a Table_map event, each a type byte, a length and
    /// its payload. MINIMAL: the signedness bitmap of the numeric columns, and the collations of the character columns
    /// (text and binary alike) as a default collation with (column, collation) exceptions or as one collation per column,
    /// whichever is shorter; text columns are assumed to share one collation with an id below 251 (utf8mb4_general_ci is
    /// 45), binary ones have 63. FULL adds every column name and the primary key's column positions.
    /// </summary>
    private long OptionalMetadataBytes(TableShape table)
    {
        if (Settings.RowMetadata == BinlogRowMetadata.NoLog)
        {
            return 0;
        }

        var columns = table.ColumnSpan;
        int numeric = 0, text = 0, binary = 0;
        foreach (var column in columns)
        {
            switch (column.Type.Kind)
            {
                case ColumnTypeKind.Integer or ColumnTypeKind.Boolean or ColumnTypeKind.Float or ColumnTypeKind.Decimal:
                    numeric++;
                    break;
                case ColumnTypeKind.VarChar or ColumnTypeKind.Char or ColumnTypeKind.Text or ColumnTypeKind.Guid:
                    text++;
                    break;
                case ColumnTypeKind.VarBinary or ColumnTypeKind.Blob or ColumnTypeKind.Unknown:
                    binary++;
                    break;
            }
        }

        long bytes = numeric > 0 ? MetadataField(BitmapBytes(numeric)) : 0;
        if (text + binary > 0)
        {
            // DEFAULT_CHARSET: the majority collation, then a (column, collation) pair per other column;
            // COLUMN_CHARSET: one collation per character column.
            var defaultCharset = 1 + (2 * Math.Min(text, binary));
            bytes += MetadataField(Math.Min(defaultCharset, text + binary));
        }

        if (Settings.RowMetadata == BinlogRowMetadata.Full)
        {
            long names = 0;
            int keyColumns = 0;
            for (var i = 0; i < columns.Length; i++)
            {
                names += LengthEncodedIntegerBytes(table.ColumnNameBytes[i]) + table.ColumnNameBytes[i];
                keyColumns += columns[i].IsKey ? LengthEncodedIntegerBytes(i) : 0;
            }

            bytes += MetadataField(names) + (keyColumns > 0 ? MetadataField(keyColumns) : 0);
        }

        return bytes;

        static long MetadataField(long payload) => 1 + LengthEncodedIntegerBytes(payload) + payload;
    }

    private static int MetadataBytes(ColumnType type) => type.Kind switch
    {
        ColumnTypeKind.VarChar or ColumnTypeKind.Char or ColumnTypeKind.VarBinary or ColumnTypeKind.Guid or ColumnTypeKind.Decimal => 2,
        ColumnTypeKind.Text or ColumnTypeKind.Blob or ColumnTypeKind.Unknown or ColumnTypeKind.Float
            or ColumnTypeKind.DateTime or ColumnTypeKind.Time => 1,
        _ => 0,
    };

    private static int LargeObjectPrefixBytes(long? capacity) => capacity switch
    {
        <= 255 => 1,
        <= 65_535 => 2,
        <= 16_777_215 => 3,
        _ => 4,
    };

    // MySQL's packed DECIMAL: 4 bytes per 9 digits on each side of the point, fewer for the leftover digits.
    private static int DecimalBinaryBytes(int precision, int scale)
    {
        ReadOnlySpan<int> leftoverBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
        var integral = precision - scale;
        return (integral / 9 * 4) + leftoverBytes[integral % 9] + (scale / 9 * 4) + leftoverBytes[scale % 9];
    }

    private static int LengthEncodedIntegerBytes(long value) => value switch
    {
        < 251 => 1,
        < 65_536 => 3,
        < 16_777_216 => 4,
        _ => 9,
    };

    private static int BitmapBytes(int bits) => (bits + 7) / 8;

    /// <summary>What the formula needs of each column of one table, computed once per table and profile.</summary>
    private sealed class Layout(int columns)
    {
        /// <summary>A present value's bytes: the fixed width, or the length prefix of a variable-length type.</summary>
        public int[] BaseBytes { get; } = new int[columns];

        /// <summary>Whether a value adds its <see cref="ColumnValue.ByteLength"/> to <see cref="BaseBytes"/>.</summary>
        public bool[] IsVariable { get; } = new bool[columns];

        public bool[] IsLargeObject { get; } = new bool[columns];

        /// <summary>Whether MINIMAL's before image logs the column: the primary key, or every column of a table without one.</summary>
        public bool[] IdentifiesRow { get; } = new bool[columns];

        /// <summary>A typical literal's width in statement text, or the quotes around a text/binary literal.</summary>
        public int[] LiteralBytes { get; } = new int[columns];

        public long TableMapBytes { get; set; }

        public long CascadeTableMapBytes { get; set; }
    }

    private static int Utf8Length(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
}
