using System.Text;

namespace BulkSafety.Estimation;

/// <summary>
/// What a replication profile needs to know about a table: its name, its columns in physical order, how many index
/// entries a new row adds, and which tables a DELETE of one of its rows cascades to inside the database.
/// </summary>
public sealed class TableShape
{
    private readonly ColumnShape[] _columns;

    // The last profile's precomputed per-column encoding of this shape; see LayoutFor.
    private LayoutSlot? _layout;

    /// <summary>Creates a table shape.</summary>
    /// <param name="name">The table name (without the database or schema).</param>
    /// <param name="columns">The columns in their physical order.</param>
    /// <param name="indexCount">Index entries a new row adds, primary key included (PostgreSQL logs one B-tree insert per entry).</param>
    public TableShape(string name, IEnumerable<ColumnShape> columns, int indexCount = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(indexCount);
        _columns = columns.ToArray();
        if (_columns.Length == 0)
        {
            throw new ArgumentException("A table has at least one column.", nameof(columns));
        }

        if (Array.IndexOf(_columns, null) >= 0)
        {
            throw new ArgumentException("A table's columns cannot contain null.", nameof(columns));
        }

        Name = name;
        IndexCount = indexCount;
        HasKey = Array.Exists(_columns, static c => c.IsKey);
        NameBytes = Encoding.UTF8.GetByteCount(name);
        ColumnNameBytes = Array.ConvertAll(_columns, static c => Encoding.UTF8.GetByteCount(c.Name));
    }

    /// <summary>The table name.</summary>
    public string Name { get; }

    /// <summary>The schema, or <see langword="null"/> for the connection's default; profiles with per-table settings use it.</summary>
    public string? Schema { get; init; }

    /// <summary>The columns in their physical order.</summary>
    public IReadOnlyList<ColumnShape> Columns => _columns;

    /// <summary>Index entries a new row adds, primary key included.</summary>
    public int IndexCount { get; }

    /// <summary>Whether any column is part of the primary key.</summary>
    public bool HasKey { get; }

    /// <summary>
    /// Tables whose rows the database itself deletes or updates when a row of this table is deleted (<c>ON DELETE
    /// CASCADE</c>, <c>SET NULL</c>, <c>SET DEFAULT</c>). MariaDB writes a Table_map event for each of them into the
    /// parent's DELETE statement; the rows themselves are not row-logged (the replica re-applies the actions).
    /// </summary>
    public IReadOnlyList<TableShape> CascadeDeleteTables { get; init; } = [];

    /// <summary>The columns as a span, for allocation-free loops in the profiles.</summary>
    internal ReadOnlySpan<ColumnShape> ColumnSpan => _columns;

    /// <summary>The UTF-8 length of <see cref="Name"/>, which Table_map events and statement texts carry.</summary>
    internal int NameBytes { get; }

    /// <summary>The UTF-8 lengths of the column names, in column order.</summary>
    internal int[] ColumnNameBytes { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>
    /// The per-column encoding <paramref name="owner"/> precomputed for this shape, built on first use. One slot: a shape
    /// estimated by several profiles alternately is rebuilt on each switch, which costs time, never correctness.
    /// </summary>
    internal T LayoutFor<T>(object owner, Func<TableShape, T> build)
        where T : class
    {
        if (Volatile.Read(ref _layout) is { } slot && ReferenceEquals(slot.Owner, owner))
        {
            return (T)slot.Layout;
        }

        var layout = build(this);
        Volatile.Write(ref _layout, new LayoutSlot(owner, layout));
        return layout;
    }

    private sealed record LayoutSlot(object Owner, object Layout);
}
