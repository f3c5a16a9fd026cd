using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BulkSafety.Estimation;

/// <summary>
/// Maps an EF property to an engine-neutral <see cref="ColumnType"/> from provider-independent facets (CLR type, max
/// length, unicode, fixed length, precision, scale — the model's, never a provider's defaults), so that an estimate is the same whether the context runs on SQLite
/// in tests or on MySQL/PostgreSQL in production. A value converter the model configures (<c>HasConversion</c>) decides
/// the stored type; a provider's own storage converter is used only when the model type itself cannot be sized (e.g.
/// a primitive collection stored as JSON text). The choices follow what Pomelo's MySQL provider creates; docs/guard.md
/// lists them.
/// </summary>
internal static class StoreTypeMapper
{
    /// <summary>The byte length assumed for a non-NULL value whose type the estimator cannot size.</summary>
    public const int UnknownValueBytes = 8192;

    /// <summary>DECIMAL precision and scale when the model sets none (EF Core's relational default).</summary>
    public const int DefaultDecimalPrecision = 18;

    /// <inheritdoc cref="DefaultDecimalPrecision"/>
    public const int DefaultDecimalScale = 2;

    // VARCHAR/VARBINARY hold at most 65,535 bytes in a MySQL row; longer declared maxima become TEXT/BLOB types.
    private const int MaxInlineBytes = 65_535;

    /// <summary>The column type of <paramref name="property"/> and the converter whose output is stored, if any.</summary>
    public static (ColumnType Type, ValueConverter? Converter) Map(IProperty property)
    {
        if (property.GetValueConverter() is { } configured)
        {
            return (Map(configured.ProviderClrType, property), configured);
        }

        if (property.GetProviderClrType() is null && Map(property.ClrType, property) is { Kind: not ColumnTypeKind.Unknown } type)
        {
            return (type, null);
        }

        return property.FindTypeMapping()?.Converter is { } storage ? (Map(storage.ProviderClrType, property), storage) : (ColumnType.Unknown, null);
    }

    private static ColumnType Map(Type clrType, IProperty property)
    {
        var type = Nullable.GetUnderlyingType(clrType) ?? clrType;
        if (type == typeof(string))
        {
            var bytesPerChar = (property.IsUnicode() ?? true) ? 4 : 1;
            if (property.GetMaxLength() is not { } maxLength || maxLength <= 0)
            {
                return ColumnType.Text();
            }

            long maxBytes = (long)maxLength * bytesPerChar;
            return (property.IsFixedLength() ?? false) && maxLength <= 255 ? ColumnType.Char(maxBytes)
                : maxBytes <= MaxInlineBytes ? ColumnType.VarChar(maxBytes)
                : ColumnType.Text(maxBytes);
        }

        if (type == typeof(byte[]))
        {
            return property.GetMaxLength() is { } maxLength and > 0
                ? maxLength <= MaxInlineBytes ? ColumnType.VarBinary(maxLength) : ColumnType.Blob(maxLength)
                : ColumnType.Blob();
        }

        if (type == typeof(decimal))
        {
            var precision = Math.Clamp(property.GetPrecision() ?? DefaultDecimalPrecision, 1, 65);
            var scale = Math.Clamp(property.GetScale() ?? DefaultDecimalScale, 0, precision);
            return ColumnType.Decimal(precision, scale);
        }

        // Enums report their underlying integer's type code.
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => ColumnType.Boolean,
            TypeCode.Byte or TypeCode.SByte => ColumnType.Int8,
            TypeCode.Int16 or TypeCode.UInt16 => ColumnType.Int16,
            TypeCode.Int32 or TypeCode.UInt32 => ColumnType.Int32,
            TypeCode.Int64 or TypeCode.UInt64 => ColumnType.Int64,
            TypeCode.Char => ColumnType.Char(4),
            TypeCode.Single => ColumnType.Single,
            TypeCode.Double => ColumnType.Double,
            TypeCode.DateTime => ColumnType.DateTime(6),
            _ when type == typeof(DateTimeOffset) => ColumnType.DateTime(6),
            _ when type == typeof(DateOnly) => ColumnType.Date,
            _ when type == typeof(TimeOnly) || type == typeof(TimeSpan) => ColumnType.Time(6),
            _ when type == typeof(Guid) => ColumnType.Guid,
            _ => ColumnType.Unknown,
        };
    }
}
