namespace BulkSafety.Estimation;

/// <summary>One column of a <see cref="TableShape"/>.</summary>
public sealed class ColumnShape
{
    /// <summary>Creates a column.</summary>
    /// <param name="name">The column name as the database knows it.</param>
    /// <param name="type">The store type.</param>
    /// <param name="isKey">Whether the column is part of the primary key.</param>
    /// <param name="isNullable">Whether the column accepts NULL.</param>
    public ColumnShape(string name, ColumnType type, bool isKey = false, bool isNullable = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Type = type;
        IsKey = isKey;
        IsNullable = isNullable;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The store type.</summary>
    public ColumnType Type { get; }

    /// <summary>Whether the column is part of the primary key.</summary>
    public bool IsKey { get; }

    /// <summary>Whether the column accepts NULL.</summary>
    public bool IsNullable { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Type}{(IsKey ? " key" : "")}{(IsNullable ? " null" : "")}";
}
