using System.Text;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// The hand computation of ENGINE-NOTES.md §3.3 for the incident tables, term by term, so that each ground-truth test
/// states where its expected figure comes from. It is deliberately not a general estimator: it knows only these three
/// tables, and the estimator in src/ is calibrated against the server, not against this.
/// </summary>
internal static class IncidentBinlogArithmetic
{
    /// <summary>Every event: 19-byte header + 4-byte CRC32.</summary>
    public const int EventFraming = 19 + 4;

    /// <summary>GTID event (MariaDB's BEGIN): 19 + 19 + 4.</summary>
    public const int Gtid = 42;

    /// <summary>XID event (COMMIT): 19 + 8 + 4.</summary>
    public const int Xid = 31;

    /// <summary>Table_map of gt.groups: 19 + 8 + (1+2+1) + (1+6+1) + 1 + 9 + 1 + 6 + 2 + 4.</summary>
    public const int GroupsTableMap = 62;

    /// <summary>Table_map of gt.posts: 19 + 8 + (1+2+1) + (1+5+1) + 1 + 4 + 1 + 2 + 1 + 4.</summary>
    public const int PostsTableMap = 51;

    /// <summary>Table_maps in the cascade schema, one byte longer each for the database name "gtc".</summary>
    public const int CascadeGroupsTableMap = 63;

    /// <summary>Table_map of gtc.posts.</summary>
    public const int CascadePostsTableMap = 52;

    /// <summary>Table_map of gtc.memberships: n = 3 BIGINT columns, no metadata.</summary>
    public const int CascadeMembershipsTableMap = 55;

    /// <summary>Columns of groups.</summary>
    public const int GroupsColumns = 9;

    /// <summary>Columns of posts.</summary>
    public const int PostsColumns = 4;

    /// <summary>FULL post image: null bitmap 1 + id 8 + group_id 8 + body (2 + 200) + created_at 8.</summary>
    public const int PostImage = 1 + 8 + 8 + 2 + IncidentWorkloads.PostBodyBytes + 8;

    /// <summary>The primary key alone (MINIMAL before-image): null bitmap 1 + BIGINT 8.</summary>
    public const int KeyImage = 1 + 8;

    /// <summary>Annotate_rows: the framing plus the statement text.</summary>
    public static int Annotate(string statement) => EventFraming + Encoding.UTF8.GetByteCount(statement);

    /// <summary>FULL group image: null bitmap 2 + id 8 + name (2 + 24) + description (4 + L) + description_html NULL 0 +
    /// three INT counters 12 + two DATETIME(6) 16 = 72 + L.</summary>
    public static int GroupImage(TextSize text) => 2 + 8 + 2 + IncidentWorkloads.GroupName.Length + 4 + text.Bytes + 12 + 16;

    /// <summary>NOBLOB group image without the LONGTEXT columns: 7 columns, null bitmap 1 + 8 + 26 + 12 + 16.</summary>
    public static int GroupImageWithoutBlobs => 1 + 8 + 2 + IncidentWorkloads.GroupName.Length + 12 + 16;

    /// <summary>A Write/Delete_rows (one column bitmap) or Update_rows (two) event around <paramref name="rowBytes"/>:
    /// 19 + 8 + lenenc(n) + bitmaps + rows + 4.</summary>
    public static int RowsEvent(int columns, bool update, int rowBytes) =>
        EventFraming + 8 + 1 + ((columns + 7) / 8 * (update ? 2 : 1)) + rowBytes;

    /// <summary>One autocommit statement that writes rows of one table: GTID + Annotate + Table_map + rows + XID.</summary>
    public static int Statement(string statement, int tableMap, int rowsEvents, bool annotate = true) =>
        Gtid + (annotate ? Annotate(statement) : 0) + tableMap + rowsEvents + Xid;
}
