namespace BulkSafety.IntegrationTests.Workloads;

/// <summary>The row operations of the incident, each a named workload in <see cref="IncidentWorkloads"/>.</summary>
public enum WorkloadShape
{
    /// <summary>INSERT of a new group row carrying the description (all columns named, values inlined as literals).</summary>
    InsertGroup,

    /// <summary>The counter cache: <c>UPDATE groups SET posts_count=posts_count-1 WHERE id=7</c>.</summary>
    UpdateCounter,

    /// <summary>The touch: <c>UPDATE groups SET updated_at=NOW(6) WHERE id=7</c>.</summary>
    TouchGroup,

    /// <summary>An UPDATE that matches the row but changes no value.</summary>
    NoOpUpdate,

    /// <summary>DELETE of the group row, in the schema without foreign keys (children are left alone).</summary>
    DeleteGroup,

    /// <summary>DELETE of one child post.</summary>
    DeleteChild,

    /// <summary>A DELETE that matches no row.</summary>
    DeleteNothing,

    /// <summary>The incident: per child, delete the child, decrement the parent's counter, touch the parent; every
    /// statement its own autocommit transaction (2N+1 rewrites of the parent row counting the final delete).</summary>
    PerChildLoop,

    /// <summary>The safe alternative: one DELETE of all children, one UPDATE of the parent's counter and timestamp.</summary>
    SetBased,

    /// <summary>DELETE of the group in the schema whose children go by <c>ON DELETE CASCADE</c> in the database.</summary>
    CascadeDelete,
}
