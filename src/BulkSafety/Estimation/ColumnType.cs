using System.Globalization;

namespace BulkSafety.Estimation;

/// <summary>An engine-neutral column store type: a <see cref="ColumnTypeKind"/> and the facets that decide its width.</summary>
public sealed class ColumnType
{
    private ColumnType(ColumnTypeKind kind, int fixedSize = 0, long? maxBytes = null, int precision = 0, int scale = 0, int fractionalSeconds = 0)
    {
        Kind = kind;
        FixedSize = fixedSize;
        MaxBytes = maxBytes;
        Precision = precision;
        Scale = scale;
        FractionalSeconds = fractionalSeconds;
    }

    /// <summary>An 8-bit integer.</summary>
    public static ColumnType Int8 { get; } = new(ColumnTypeKind.Integer, fixedSize: 1);

    /// <summary>A 16-bit integer.</summary>
    public static ColumnType Int16 { get; } = new(ColumnTypeKind.Integer, fixedSize: 2);

    /// <summary>A 32-bit integer.</summary>
    public static ColumnType Int32 { get; } = new(ColumnTypeKind.Integer, fixedSize: 4);

    /// <summary>A 64-bit integer.</summary>
    public static ColumnType Int64 { get; } = new(ColumnTypeKind.Integer, fixedSize: 8);

    /// <summary>A boolean.</summary>
    public static ColumnType Boolean { get; } = new(ColumnTypeKind.Boolean, fixedSize: 1);

    /// <summary>A 4-byte floating-point number.</summary>
    public static ColumnType Single { get; } = new(ColumnTypeKind.Float, fixedSize: 4);

    /// <summary>An 8-byte floating-point number.</summary>
    public static ColumnType Double { get; } = new(ColumnTypeKind.Float, fixedSize: 8);

    /// <summary>A calendar date.</summary>
    public static ColumnType Date { get; } = new(ColumnTypeKind.Date);

    /// <summary>A GUID.</summary>
    public static ColumnType Guid { get; } = new(ColumnTypeKind.Guid);

    /// <summary>A type the estimator cannot size; see <see cref="ColumnTypeKind.Unknown"/>.</summary>
    public static ColumnType Unknown { get; } = new(ColumnTypeKind.Unknown);

    /// <summary>The family of the type.</summary>
    public ColumnTypeKind Kind { get; }

    /// <summary>The width in bytes of an <see cref="ColumnTypeKind.Integer"/> or <see cref="ColumnTypeKind.Float"/>; 0 otherwise.</summary>
    public int FixedSize { get; }

    /// <summary>
    /// The maximum byte length of a text or binary value: required for <see cref="ColumnTypeKind.VarChar"/>,
    /// <see cref="ColumnTypeKind.Char"/> and <see cref="ColumnTypeKind.VarBinary"/>; for <see cref="ColumnTypeKind.Text"/> and
    /// <see cref="ColumnTypeKind.Blob"/> the capacity of the large-object type, <see langword="null"/> for the largest (4 GiB).
    /// </summary>
    public long? MaxBytes { get; }

    /// <summary>The precision of a <see cref="ColumnTypeKind.Decimal"/>.</summary>
    public int Precision { get; }

    /// <summary>The scale of a <see cref="ColumnTypeKind.Decimal"/>.</summary>
    public int Scale { get; }

    /// <summary>The fractional-second digits (0–6) of a <see cref="ColumnTypeKind.DateTime"/> or <see cref="ColumnTypeKind.Time"/>.</summary>
    public int FractionalSeconds { get; }

    /// <summary>Whether the type is a large object (TEXT or BLOB family), which MySQL's <c>NOBLOB</c> row image leaves out when unchanged.</summary>
    public bool IsLargeObject => Kind is ColumnTypeKind.Text or ColumnTypeKind.Blob or ColumnTypeKind.Unknown;

    /// <summary>Whether a value's width depends on its byte length (<see cref="ColumnValue.ByteLength"/>).</summary>
    public bool IsVariableLength => Kind is ColumnTypeKind.VarChar or ColumnTypeKind.Char or ColumnTypeKind.Text
        or ColumnTypeKind.VarBinary or ColumnTypeKind.Blob or ColumnTypeKind.Unknown;

    /// <summary>An integer of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">1, 2, 3, 4 or 8.</param>
    public static ColumnType Integer(int bytes) => bytes switch
    {
        1 => Int8,
        2 => Int16,
        3 => new(ColumnTypeKind.Integer, fixedSize: 3),
        4 => Int32,
        8 => Int64,
        _ => throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "An integer column is 1, 2, 3, 4 or 8 bytes wide."),
    };

    /// <summary>An exact decimal.</summary>
    /// <param name="precision">Total digits, 1–65.</param>
    /// <param name="scale">Digits after the point, 0–<paramref name="precision"/>.</param>
    public static ColumnType Decimal(int precision, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, 65);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, precision);
        return new(ColumnTypeKind.Decimal, precision: precision, scale: scale);
    }

    /// <summary>A date and time.</summary>
    /// <param name="fractionalSeconds">Fractional-second digits, 0–6 (EF's <see cref="System.DateTime"/> maps to 6).</param>
    public static ColumnType DateTime(int fractionalSeconds = 6) => new(ColumnTypeKind.DateTime, fractionalSeconds: CheckFsp(fractionalSeconds));

    /// <summary>A time of day or duration.</summary>
    /// <param name="fractionalSeconds">Fractional-second digits, 0–6.</param>
    public static ColumnType Time(int fractionalSeconds = 6) => new(ColumnTypeKind.Time, fractionalSeconds: CheckFsp(fractionalSeconds));

    /// <summary>Bounded variable-length text.</summary>
    /// <param name="maxBytes">The maximum byte length (for MySQL <c>VARCHAR(n)</c> in utf8mb4, 4 × n).</param>
    public static ColumnType VarChar(long maxBytes) => new(ColumnTypeKind.VarChar, maxBytes: CheckMaxBytes(maxBytes));

    /// <summary>Fixed-length text.</summary>
    /// <param name="maxBytes">The maximum byte length (for MySQL <c>CHAR(n)</c> in utf8mb4, 4 × n).</param>
    public static ColumnType Char(long maxBytes) => new(ColumnTypeKind.Char, maxBytes: CheckMaxBytes(maxBytes));

    /// <summary>Large text.</summary>
    /// <param name="maxBytes">The capacity in bytes (255 TINYTEXT, 65,535 TEXT, 16,777,215 MEDIUMTEXT), or <see langword="null"/> for LONGTEXT.</param>
    public static ColumnType Text(long? maxBytes = null) => new(ColumnTypeKind.Text, maxBytes: maxBytes is { } m ? CheckMaxBytes(m) : null);

    /// <summary>Bounded variable-length binary.</summary>
    /// <param name="maxBytes">The maximum byte length.</param>
    public static ColumnType VarBinary(long maxBytes) => new(ColumnTypeKind.VarBinary, maxBytes: CheckMaxBytes(maxBytes));

    /// <summary>Large binary.</summary>
    /// <param name="maxBytes">The capacity in bytes (255 TINYBLOB, 65,535 BLOB, 16,777,215 MEDIUMBLOB), or <see langword="null"/> for LONGBLOB.</param>
    public static ColumnType Blob(long? maxBytes = null) => new(ColumnTypeKind.Blob, maxBytes: maxBytes is { } m ? CheckMaxBytes(m) : null);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ColumnTypeKind.Integer or ColumnTypeKind.Float => string.Create(CultureInfo.InvariantCulture, $"{Kind}({FixedSize} B)"),
        ColumnTypeKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"Decimal({Precision},{Scale})"),
        ColumnTypeKind.DateTime or ColumnTypeKind.Time => string.Create(CultureInfo.InvariantCulture, $"{Kind}({FractionalSeconds})"),
        ColumnTypeKind.VarChar or ColumnTypeKind.Char or ColumnTypeKind.VarBinary or ColumnTypeKind.Text or ColumnTypeKind.Blob
            => MaxBytes is { } max ? string.Create(CultureInfo.InvariantCulture, $"{Kind}({max} B)") : $"{Kind}(max)",
        _ => Kind.ToString(),
    };

    private static int CheckFsp(int fractionalSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fractionalSeconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fractionalSeconds, 6);
        return fractionalSeconds;
    }

    private static long CheckMaxBytes(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        return maxBytes;
    }
}
