namespace BulkSafety.Estimation;

/// <summary>
/// One row written by one statement: its kind, the stored values before the statement, the values after it, which
/// columns the statement names (INSERT column list, UPDATE SET list) and, when known, the length of the statement's
/// text. All spans are indexed like <see cref="TableShape.Columns"/>.
/// </summary>
public readonly ref struct RowChange
{
    /// <summary>Creates a row change; prefer <see cref="Insert"/>, <see cref="Update"/> and <see cref="Delete"/>.</summary>
    /// <param name="kind">What the statement does.</param>
    /// <param name="before">The stored values (UPDATE, DELETE); empty for an INSERT.</param>
    /// <param name="after">The new values (INSERT, UPDATE); empty for a DELETE.</param>
    /// <param name="assigned">The columns the statement names; empty means all columns.</param>
    /// <param name="statementTextLength">The byte length of the statement text, or <see langword="null"/> to let the profile estimate it.</param>
    public RowChange(RowChangeKind kind, ReadOnlySpan<ColumnValue> before, ReadOnlySpan<ColumnValue> after, ReadOnlySpan<bool> assigned, int? statementTextLength = null)
    {
        if (statementTextLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(statementTextLength), statementTextLength, "A statement text length is not negative.");
        }

        Kind = kind;
        Before = before;
        After = after;
        Assigned = assigned;
        StatementTextLength = statementTextLength;
    }

    /// <summary>What the statement does.</summary>
    public RowChangeKind Kind { get; }

    /// <summary>The stored values before the statement (UPDATE, DELETE).</summary>
    public ReadOnlySpan<ColumnValue> Before { get; }

    /// <summary>The values after the statement (INSERT, UPDATE).</summary>
    public ReadOnlySpan<ColumnValue> After { get; }

    /// <summary>The columns the statement names; empty means all columns.</summary>
    public ReadOnlySpan<bool> Assigned { get; }

    /// <summary>The byte length of the statement text, or <see langword="null"/> when unknown.</summary>
    public int? StatementTextLength { get; }

    /// <summary>An INSERT of <paramref name="values"/>.</summary>
    /// <param name="values">The inserted values.</param>
    /// <param name="named">The columns the INSERT names (others take their defaults); empty means all.</param>
    /// <param name="statementTextLength">The statement text length, when known.</param>
    public static RowChange Insert(ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> named = default, int? statementTextLength = null)
        => new(RowChangeKind.Insert, default, values, named, statementTextLength);

    /// <summary>An UPDATE from <paramref name="before"/> to <paramref name="after"/>.</summary>
    /// <param name="before">The stored values.</param>
    /// <param name="after">The values after the update.</param>
    /// <param name="assigned">The columns the SET list assigns; empty means all.</param>
    /// <param name="statementTextLength">The statement text length, when known.</param>
    public static RowChange Update(ReadOnlySpan<ColumnValue> before, ReadOnlySpan<ColumnValue> after, ReadOnlySpan<bool> assigned, int? statementTextLength = null)
        => new(RowChangeKind.Update, before, after, assigned, statementTextLength);

    /// <summary>A DELETE of a row holding <paramref name="before"/>.</summary>
    /// <param name="before">The stored values.</param>
    /// <param name="statementTextLength">The statement text length, when known.</param>
    public static RowChange Delete(ReadOnlySpan<ColumnValue> before, int? statementTextLength = null)
        => new(RowChangeKind.Delete, before, default, default, statementTextLength);

    /// <summary>Whether the statement names column <paramref name="index"/>.</summary>
    /// <param name="index">The column index.</param>
    public bool IsAssigned(int index) => Assigned.IsEmpty || Assigned[index];

    /// <summary>Checks the spans against <paramref name="table"/>; profiles call it before reading.</summary>
    /// <param name="table">The table the row belongs to.</param>
    public void Validate(TableShape table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var n = table.Columns.Count;
        var needsBefore = Kind is RowChangeKind.Update or RowChangeKind.Delete;
        var needsAfter = Kind is RowChangeKind.Insert or RowChangeKind.Update;
        if (needsBefore && Before.Length != n)
        {
            throw new ArgumentException($"A {Kind} of {table.Name} needs {n} before values, got {Before.Length}.", nameof(table));
        }

        if (needsAfter && After.Length != n)
        {
            throw new ArgumentException($"A {Kind} of {table.Name} needs {n} after values, got {After.Length}.", nameof(table));
        }

        if (!Assigned.IsEmpty && Assigned.Length != n)
        {
            throw new ArgumentException($"The assigned columns of a {Kind} of {table.Name} must be empty or {n} long, got {Assigned.Length}.", nameof(table));
        }
    }
}
