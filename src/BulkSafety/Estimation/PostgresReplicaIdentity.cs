namespace BulkSafety.Estimation;

/// <summary>The tables' <c>REPLICA IDENTITY</c>, which decides what old-row data logical WAL carries.</summary>
public enum PostgresReplicaIdentity
{
    /// <summary><c>DEFAULT</c>: the primary key of a deleted row; nothing old on a key-preserving update.</summary>
    Default,

    /// <summary><c>FULL</c>: the whole old row, TOASTed values inlined, on every UPDATE and DELETE (PostgreSQL's version of the incident).</summary>
    Full,
}
