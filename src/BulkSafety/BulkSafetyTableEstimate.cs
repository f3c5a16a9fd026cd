namespace BulkSafety;

/// <summary>One line of a report's per-table tally: the rows one unit of work writes to a table and their log bytes.</summary>
public sealed class BulkSafetyTableEstimate
{
    internal BulkSafetyTableEstimate(string table, int inserted, int updated, int deleted, long bytes, double share, int deletedByDatabase = 0, int updatedByDatabase = 0)
    {
        DeletedByDatabase = deletedByDatabase;
        UpdatedByDatabase = updatedByDatabase;
        Table = table;
        Inserted = inserted;
        Updated = updated;
        Deleted = deleted;
        Bytes = bytes;
        Share = share;
    }

    /// <summary>The schema-qualified table name.</summary>
    public string Table { get; }

    /// <summary>Rows inserted.</summary>
    public int Inserted { get; }

    /// <summary>Rows updated.</summary>
    public int Updated { get; }

    /// <summary>Rows deleted.</summary>
    public int Deleted { get; }

    /// <summary>
    /// The part of <see cref="Deleted"/> that the database deletes itself through <c>ON DELETE CASCADE</c>: dependents of
    /// deleted rows that EF Core does not track, counted by a probe query before anything is written.
    /// </summary>
    public int DeletedByDatabase { get; }

    /// <summary>
    /// The part of <see cref="Updated"/> that the database updates itself through <c>ON DELETE SET NULL</c> or
    /// <c>SET DEFAULT</c>: dependents of deleted rows that EF Core does not track, counted by a probe query before anything
    /// is written.
    /// </summary>
    public int UpdatedByDatabase { get; }

    /// <summary>All rows written.</summary>
    public int Rows => Inserted + Updated + Deleted;

    /// <summary>The estimated replication-log bytes of these rows' statements.</summary>
    public long Bytes { get; }

    /// <summary>This table's share (0–1) of the unit of work's estimated bytes.</summary>
    public double Share { get; }
}
