using System.Text;

namespace BulkSafety.Estimation;

/// <summary>
/// What a profile needs to know about one value of a row: whether it is NULL and, for text and binary columns, its byte
/// length (UTF-8 for text). Fixed-width values need no length: <see langword="default"/> is a present fixed-width value.
/// </summary>
public readonly struct ColumnValue : IEquatable<ColumnValue>
{
    private const long NullMarker = -1;
    private readonly long _byteLength;

    private ColumnValue(long byteLength) => _byteLength = byteLength;

    /// <summary>A NULL value.</summary>
    public static ColumnValue Null => new(NullMarker);

    /// <summary>A present value of a fixed-width column.</summary>
    public static ColumnValue Present => default;

    /// <summary>Whether the value is NULL.</summary>
    public bool IsNull => _byteLength == NullMarker;

    /// <summary>The byte length of a present text or binary value; 0 for NULL and fixed-width values.</summary>
    public long ByteLength => IsNull ? 0 : _byteLength;

    /// <summary>A present text or binary value of <paramref name="byteLength"/> bytes.</summary>
    /// <param name="byteLength">The byte length, not negative.</param>
    public static ColumnValue OfLength(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        return new(byteLength);
    }

    /// <summary>A text value, sized as its UTF-8 byte length; NULL when <paramref name="text"/> is <see langword="null"/>.</summary>
    /// <param name="text">The text.</param>
    public static ColumnValue Of(string? text) => text is null ? Null : new(Encoding.UTF8.GetByteCount(text));

    /// <summary>A binary value; NULL when <paramref name="bytes"/> is <see langword="null"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    public static ColumnValue Of(byte[]? bytes) => bytes is null ? Null : new(bytes.LongLength);

    /// <inheritdoc/>
    public bool Equals(ColumnValue other) => _byteLength == other._byteLength;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ColumnValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _byteLength.GetHashCode();

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(ColumnValue left, ColumnValue right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(ColumnValue left, ColumnValue right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => IsNull ? "NULL" : $"{_byteLength} B";
}
