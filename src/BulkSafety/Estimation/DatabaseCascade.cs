using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Estimation;

/// <summary>
/// A table whose rows the database writes itself when rows of a principal table are deleted: it deletes them through
/// <c>ON DELETE CASCADE</c>, or updates them through <c>ON DELETE SET NULL</c> / <c>SET DEFAULT</c>. The chain of foreign
/// keys that leads there from the principal (one for a child, two for a grandchild...; every one but the last cascades),
/// and the dependent table's shape for the profiles.
/// </summary>
internal sealed class DatabaseCascade
{
    public DatabaseCascade(IForeignKeyConstraint[] path, TableShape shape, IColumn[] columns)
    {
        Path = path;
        Shape = shape;
        Columns = columns;
        Measured = [.. shape.Columns.Where(c => c.Type.IsVariableLength)];
        var last = path[^1];
        if (last.OnDeleteAction is ReferentialAction.SetNull or ReferentialAction.SetDefault)
        {
            Assigned = [.. columns.Select(c => last.Columns.Contains(c))];
        }
    }

    /// <summary>The foreign keys from the principal's direct dependents down to <see cref="Table"/>.</summary>
    public IForeignKeyConstraint[] Path { get; }

    /// <summary>The dependent table the cascade reaches.</summary>
    public ITable Table => Path[^1].Table;

    /// <summary>The engine-neutral shape of <see cref="Table"/>.</summary>
    public TableShape Shape { get; }

    /// <summary>The columns of <see cref="Table"/> in the order of <see cref="Shape"/>.</summary>
    public IColumn[] Columns { get; }

    /// <summary>The text and binary columns of <see cref="Shape"/>, whose stored sizes a probe sums.</summary>
    public ColumnShape[] Measured { get; }

    /// <summary>
    /// For an update (<c>SET NULL</c> / <c>SET DEFAULT</c>), which of <see cref="Columns"/> the database assigns: the last
    /// foreign key's; <see langword="null"/> for a delete.
    /// </summary>
    public bool[]? Assigned { get; }

    /// <summary>Whether the database updates the rows (<c>SET NULL</c> / <c>SET DEFAULT</c>) rather than deleting them.</summary>
    public bool IsUpdate => Assigned is not null;

    /// <summary>
    /// What one probe counts: a table's deleted rows once, however many chains reach them; the rows one foreign key sets
    /// apart, because each such action is an UPDATE of its own.
    /// </summary>
    public (ITable Table, IForeignKeyConstraint? SetBy) Target => (Table, IsUpdate ? Path[^1] : null);

    /// <summary>
    /// The log bytes of <paramref name="rows"/> rows like <paramref name="typical"/> that the database deletes, or updates
    /// with the assigned columns NULL (a <c>SET DEFAULT</c>'s default is priced as NULL too).
    /// </summary>
    public long Estimate(ReplicationProfile profile, ColumnValue[] typical, long rows)
    {
        if (Assigned is not { } assigned)
        {
            return profile.EstimateCascadedDeletes(Shape, RowChange.Delete(typical), rows);
        }

        var after = (ColumnValue[])typical.Clone();
        for (var i = 0; i < after.Length; i++)
        {
            if (assigned[i])
            {
                after[i] = ColumnValue.Null;
            }
        }

        return profile.EstimateCascadedUpdates(Shape, RowChange.Update(typical, after, assigned), rows);
    }
}
