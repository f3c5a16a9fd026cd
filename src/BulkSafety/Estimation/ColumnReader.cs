using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.EntityFrameworkCore.Update;

namespace BulkSafety.Estimation;

/// <summary>
/// Reads what a profile needs of one column from a tracked entry — NULL or not, and the byte length of text and binary
/// values — through EF's typed accessors, so that reading a value never boxes it. Only a value converter to text or
/// binary and a type the estimator cannot size read the value as an object.
/// </summary>
internal sealed class ColumnReader
{
    private static readonly MethodInfo NullableOfT = typeof(ColumnReader).GetMethod(nameof(ReadNullable), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<IUpdateEntry, IProperty, bool, ColumnValue>? _read;

    private ColumnReader(IProperty? property, Func<IUpdateEntry, IProperty, bool, ColumnValue>? read, bool isUnknown)
    {
        Property = property;
        _read = read;
        IsUnknown = isUnknown;
    }

    /// <summary>A column the entity type does not map (a sibling type's column in a TPH table): always NULL.</summary>
    public static ColumnReader Unmapped { get; } = new(null, null, isUnknown: false);

    /// <summary>The property mapped to the column; <see langword="null"/> for <see cref="Unmapped"/>.</summary>
    public IProperty? Property { get; }

    /// <summary>Whether the column's type cannot be sized and values get <see cref="StoreTypeMapper.UnknownValueBytes"/>.</summary>
    public bool IsUnknown { get; }

    /// <param name="property">The property mapped to the column.</param>
    /// <param name="type">The column type <see cref="StoreTypeMapper"/> chose.</param>
    /// <param name="converter">The converter whose output is stored, or <see langword="null"/> when the model value is.</param>
    public static ColumnReader For(IProperty property, ColumnType type, ValueConverter? converter)
    {
        var modelType = property.ClrType;
        Func<IUpdateEntry, IProperty, bool, ColumnValue>? read;
        if (type.Kind == ColumnTypeKind.Unknown)
        {
            read = ReadUnknown;
        }
        else if (type.IsVariableLength || type.Kind == ColumnTypeKind.Char)
        {
            read = modelType == typeof(string) && converter is null ? ReadString
                : modelType == typeof(byte[]) && converter is null ? ReadBytes
                : modelType == typeof(char) && converter is null ? ReadChar
                : (entry, p, original) => ReadConverted(entry, p, original, converter);
        }
        else if (Nullable.GetUnderlyingType(modelType) is { } underlying)
        {
            read = NullableOfT.MakeGenericMethod(underlying).CreateDelegate<Func<IUpdateEntry, IProperty, bool, ColumnValue>>();
        }
        else if (!modelType.IsValueType)
        {
            read = ReadReference;
        }
        else
        {
            // A non-nullable fixed-width value is always present: nothing to read.
            read = null;
        }

        return new(property, read, type.Kind == ColumnTypeKind.Unknown);
    }

    public ColumnValue Read(IUpdateEntry entry, bool original)
        => Property is null ? ColumnValue.Null : _read is null ? ColumnValue.Present : _read(entry, Property, original);

    private static bool UseOriginal(IUpdateEntry entry, IProperty property, bool original) => original && CanHaveOriginalValue(entry, property);

    /// <summary>Whether EF tracks an original value of <paramref name="property"/> (snapshot tracking: every property).</summary>
    public static bool CanHaveOriginalValue(IUpdateEntry entry, IProperty property)
#if NET10_0_OR_GREATER
        => entry.CanHaveOriginalValue(property);
#else
        // EF Core 8 asks its metadata (an internal API, the one EF1001 of this build).
#pragma warning disable EF1001
        => Microsoft.EntityFrameworkCore.Metadata.Internal.PropertyBaseExtensions.GetOriginalValueIndex(property) >= 0;
#pragma warning restore EF1001
#endif

    private static ColumnValue ReadString(IUpdateEntry entry, IProperty property, bool original)
        => ColumnValue.Of(UseOriginal(entry, property, original) ? entry.GetOriginalValue<string?>(property) : entry.GetCurrentValue<string?>(property));

    private static ColumnValue ReadBytes(IUpdateEntry entry, IProperty property, bool original)
        => ColumnValue.Of(UseOriginal(entry, property, original) ? entry.GetOriginalValue<byte[]?>(property) : entry.GetCurrentValue<byte[]?>(property));

    private static ColumnValue ReadChar(IUpdateEntry entry, IProperty property, bool original)
    {
        var c = UseOriginal(entry, property, original) ? entry.GetOriginalValue<char>(property) : entry.GetCurrentValue<char>(property);
        return ColumnValue.OfLength(c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
    }

    private static ColumnValue ReadNullable<T>(IUpdateEntry entry, IProperty property, bool original)
        where T : struct
        => (UseOriginal(entry, property, original) ? entry.GetOriginalValue<T?>(property) : entry.GetCurrentValue<T?>(property)).HasValue
            ? ColumnValue.Present
            : ColumnValue.Null;

    private static ColumnValue ReadReference(IUpdateEntry entry, IProperty property, bool original)
        => ReadObject(entry, property, original) is null ? ColumnValue.Null : ColumnValue.Present;

    private static ColumnValue ReadUnknown(IUpdateEntry entry, IProperty property, bool original)
        => ReadObject(entry, property, original) is null ? ColumnValue.Null : ColumnValue.OfLength(StoreTypeMapper.UnknownValueBytes);

    private static ColumnValue ReadConverted(IUpdateEntry entry, IProperty property, bool original, ValueConverter? converter)
    {
        var value = ReadObject(entry, property, original);
        if (value is null)
        {
            return ColumnValue.Null;
        }

        return (converter is null ? value : converter.ConvertToProvider(value)) switch
        {
            null => ColumnValue.Null,
            string text => ColumnValue.OfLength(Encoding.UTF8.GetByteCount(text)),
            byte[] bytes => ColumnValue.OfLength(bytes.LongLength),
            char c => ColumnValue.OfLength(c < 0x80 ? 1 : c < 0x800 ? 2 : 3),
            _ => ColumnValue.OfLength(StoreTypeMapper.UnknownValueBytes),
        };
    }

    private static object? ReadObject(IUpdateEntry entry, IProperty property, bool original)
        => UseOriginal(entry, property, original) ? entry.GetOriginalValue(property) : entry.GetCurrentValue(property);
}
