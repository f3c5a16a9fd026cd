namespace BulkSafety.Estimation;

/// <summary>
/// The engine-neutral family of a column's store type. Each <see cref="ReplicationProfile"/> maps a family to its own
/// encoding (for example <see cref="VarChar"/> becomes a MySQL <c>VARCHAR</c> with a 1- or 2-byte length prefix, and a
/// PostgreSQL varlena that may be TOASTed).
/// </summary>
public enum ColumnTypeKind
{
    /// <summary>A fixed-width integer of <see cref="ColumnType.FixedSize"/> bytes (1, 2, 3, 4 or 8).</summary>
    Integer,

    /// <summary>A boolean (MySQL <c>TINYINT(1)</c>, PostgreSQL <c>boolean</c>).</summary>
    Boolean,

    /// <summary>An exact decimal with <see cref="ColumnType.Precision"/> and <see cref="ColumnType.Scale"/>.</summary>
    Decimal,

    /// <summary>A binary floating-point number of <see cref="ColumnType.FixedSize"/> bytes (4 or 8).</summary>
    Float,

    /// <summary>A calendar date.</summary>
    Date,

    /// <summary>A date and time with <see cref="ColumnType.FractionalSeconds"/> digits of fractional seconds.</summary>
    DateTime,

    /// <summary>A time of day or duration with <see cref="ColumnType.FractionalSeconds"/> digits of fractional seconds.</summary>
    Time,

    /// <summary>A GUID (MySQL <c>CHAR(36)</c> as Pomelo maps it, PostgreSQL <c>uuid</c>).</summary>
    Guid,

    /// <summary>Bounded variable-length text of at most <see cref="ColumnType.MaxBytes"/> bytes (MySQL <c>VARCHAR</c>).</summary>
    VarChar,

    /// <summary>Fixed-length text of at most <see cref="ColumnType.MaxBytes"/> bytes (MySQL <c>CHAR</c>).</summary>
    Char,

    /// <summary>Large text (MySQL <c>TINYTEXT</c>…<c>LONGTEXT</c> chosen by <see cref="ColumnType.MaxBytes"/>, PostgreSQL <c>text</c>).</summary>
    Text,

    /// <summary>Bounded variable-length binary of at most <see cref="ColumnType.MaxBytes"/> bytes (MySQL <c>VARBINARY</c>).</summary>
    VarBinary,

    /// <summary>Large binary (MySQL <c>TINYBLOB</c>…<c>LONGBLOB</c> chosen by <see cref="ColumnType.MaxBytes"/>, PostgreSQL <c>bytea</c>).</summary>
    Blob,

    /// <summary>
    /// A type the estimator cannot size from the model; its values carry a conservative byte length and it is encoded as
    /// a large binary value.
    /// </summary>
    Unknown,
}
