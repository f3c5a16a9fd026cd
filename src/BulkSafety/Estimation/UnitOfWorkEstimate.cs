using BulkSafety.Databases;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Estimation;

/// <summary>The estimate of one unit of work: bytes and rows per table, and the rows it rewrites (UPDATEs).</summary>
internal sealed class UnitOfWorkEstimate
{
    private TableTally? _lastTally;

    public UnitOfWorkEstimate(ReplicationProfile profile, string contextName, DatabaseIdentity database, string operation = SaveChangesOperation)
    {
        Profile = profile;
        ContextName = contextName;
        Database = database;
        Operation = operation;
    }

    /// <summary>The <see cref="Operation"/> of a change-tracked unit of work.</summary>
    public const string SaveChangesOperation = "SaveChanges";

    /// <summary>What writes the unit: <c>SaveChanges</c>, <c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, <c>raw DELETE</c>, <c>raw UPDATE</c>.</summary>
    public string Operation { get; }

    /// <summary>How a bulk command's rows and sizes were found (the probe); <see langword="null"/> for SaveChanges.</summary>
    public string? Basis { get; init; }

    public ReplicationProfile Profile { get; }

    public string ContextName { get; }

    /// <summary>The database written and the server whose log carries it: what the ledger keys its budgets by.</summary>
    public DatabaseIdentity Database { get; }

    /// <summary>The sum of the rows' statement bytes.</summary>
    public long StatementBytes { get; private set; }

    /// <summary>The per-transaction bytes (begin/commit events or records, page headers).</summary>
    public long TransactionBytes { get; private set; }

    public long TotalBytes => StatementBytes + TransactionBytes;

    public int Rows { get; private set; }

    /// <summary>
    /// The largest single event or record the unit logs (MariaDB/MySQL: one row's Rows event, or a statement's text),
    /// which packet limits apply to; 0 where the profile models none.
    /// </summary>
    public long LargestEventBytes { get; private set; }

    /// <summary>
    /// The statement bytes earlier units of the caller's open transaction have logged into its cache: the unit adds to
    /// them, and MariaDB/MySQL's <c>max_binlog_cache_size</c> caps the sum. 0 outside a caller's transaction.
    /// </summary>
    public long OpenTransactionBytes { get; set; }

    public List<TableTally> Tables { get; } = [];

    /// <summary>The rows this unit updates: what the hot-row budget counts.</summary>
    public List<RowRewrite> Rewrites { get; } = [];

    /// <summary>Columns whose values got the conservative size because their type cannot be sized.</summary>
    public HashSet<string>? UnknownColumns { get; private set; }

    public void AddRow(MappedTable table, EntityStateKind kind, long bytes, long largestEvent, RowIdentity? rewritten)
    {
        LargestEventBytes = Math.Max(LargestEventBytes, largestEvent);
        var tally = _lastTally is { } last && ReferenceEquals(last.Table, table.Identity) ? last : FindOrAdd(table.Identity);
        _lastTally = tally;
        tally.Add(kind, bytes);
        StatementBytes += bytes;
        Rows++;
        if (rewritten is { } row)
        {
            Rewrites.Add(new RowRewrite(row, bytes));
        }
    }

    /// <summary>Adds one statement that writes <paramref name="rows"/> rows of <paramref name="table"/> (a bulk command).</summary>
    public void AddStatement(string table, EntityStateKind kind, int rows, long bytes, long largestEvent, RowIdentity? rewritten)
    {
        LargestEventBytes = Math.Max(LargestEventBytes, largestEvent);
        FindOrAdd(table).Add(kind, rows, bytes);
        StatementBytes += bytes;
        Rows += rows;
        if (rewritten is { } row)
        {
            Rewrites.Add(new RowRewrite(row, bytes));
        }
    }

    /// <summary>
    /// <paramref name="rows"/> rows like <paramref name="typical"/> that the database deletes (<c>ON DELETE CASCADE</c>) or
    /// updates (<c>SET NULL</c>/<c>SET DEFAULT</c>) itself through <paramref name="cascade"/> (EF does not track them),
    /// counted by a probe, with their log bytes under the profile.
    /// </summary>
    public void AddByDatabase(DatabaseCascade cascade, ColumnValue[] typical, long rows)
    {
        var bytes = cascade.Estimate(Profile, typical, rows);
        var count = (int)Math.Min(rows, int.MaxValue - Rows);
        FindOrAdd(cascade.Table.SchemaQualifiedName).AddByDatabase(cascade.IsUpdate ? EntityStateKind.Updated : EntityStateKind.Deleted, count, bytes);
        StatementBytes += bytes;
        Rows += count;
    }

    /// <summary>The tables the database's <c>ON DELETE CASCADE</c> reaches whose rows could not be counted, and why.</summary>
    public (IReadOnlyList<string> Tables, string Reason)? UncountedCascades { get; private set; }

    /// <summary>Records that the rows the database would delete from <paramref name="tables"/> could not be counted.</summary>
    public void AddUncountedCascades(IReadOnlyList<string> tables, string reason) => UncountedCascades = (tables, reason);

    public void AddUnknown(MappedTable table, IProperty property)
        => (UnknownColumns ??= new(StringComparer.Ordinal)).Add($"{table.Identity}.{property.Name}");

    public void Complete() => TransactionBytes = Profile.EstimateTransactionOverhead(StatementBytes);

    /// <summary>How hot-row reports name this unit of work: <c>Context (posts 1 deleted, groups 1 updated)</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>(Tables.Count);
        foreach (var table in Tables)
        {
            Add(table.Table, table.Inserted, "inserted");
            Add(table.Table, table.Updated, "updated");
            Add(table.Table, table.Deleted, "deleted");
        }

        return $"{ContextName} ({string.Join(", ", parts)})";

        void Add(string table, int rows, string what)
        {
            if (rows > 0)
            {
                parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{table} {rows} {what}"));
            }
        }
    }

    private TableTally FindOrAdd(string table)
    {
        foreach (var tally in Tables)
        {
            if (tally.Table == table)
            {
                return tally;
            }
        }

        var added = new TableTally(table);
        Tables.Add(added);
        return added;
    }
}

/// <summary>The three kinds of rows a unit of work writes.</summary>
internal enum EntityStateKind
{
    Inserted,
    Updated,
    Deleted,
}

/// <summary>Rows and bytes one unit of work writes to one table.</summary>
internal sealed class TableTally(string table)
{
    public string Table { get; } = table;

    public int Inserted { get; private set; }

    public int Updated { get; private set; }

    public int Deleted { get; private set; }

    /// <summary>The part of <see cref="Deleted"/> the database deletes itself through <c>ON DELETE CASCADE</c>.</summary>
    public int DeletedByDatabase { get; private set; }

    /// <summary>The part of <see cref="Updated"/> the database updates itself through <c>ON DELETE SET NULL</c> / <c>SET DEFAULT</c>.</summary>
    public int UpdatedByDatabase { get; private set; }

    public long Bytes { get; private set; }

    public int Rows => Inserted + Updated + Deleted;

    public void Add(EntityStateKind kind, long bytes) => Add(kind, 1, bytes);

    public void Add(EntityStateKind kind, int rows, long bytes)
    {
        switch (kind)
        {
            case EntityStateKind.Inserted:
                Inserted += rows;
                break;
            case EntityStateKind.Updated:
                Updated += rows;
                break;
            default:
                Deleted += rows;
                break;
        }

        Bytes += bytes;
    }

    public void AddByDatabase(EntityStateKind kind, int rows, long bytes)
    {
        Add(kind, rows, bytes);
        if (kind == EntityStateKind.Updated)
        {
            UpdatedByDatabase += rows;
        }
        else
        {
            DeletedByDatabase += rows;
        }
    }
}

/// <summary>One UPDATE of one row and its log bytes.</summary>
internal readonly record struct RowRewrite(RowIdentity Row, long Bytes);
