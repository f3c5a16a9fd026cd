using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Estimation;

/// <summary>
/// A table whose rows the database deletes itself, through <c>ON DELETE CASCADE</c>, when rows of a principal table are
/// deleted: the chain of foreign keys that leads there from the principal (one for a child, two for a grandchild...),
/// and the dependent table's shape for the profiles.
/// </summary>
internal sealed class DatabaseCascade
{
    public DatabaseCascade(IForeignKeyConstraint[] path, TableShape shape, IColumn[] columns)
    {
        Path = path;
        Shape = shape;
        Columns = columns;
    }

    /// <summary>The foreign keys from the principal's direct dependents down to <see cref="Table"/>.</summary>
    public IForeignKeyConstraint[] Path { get; }

    /// <summary>The dependent table the cascade reaches.</summary>
    public ITable Table => Path[^1].Table;

    /// <summary>The engine-neutral shape of <see cref="Table"/>.</summary>
    public TableShape Shape { get; }

    /// <summary>The columns of <see cref="Table"/> in the order of <see cref="Shape"/>.</summary>
    public IColumn[] Columns { get; }
}
