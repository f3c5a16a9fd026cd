using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// The catalog's tables (<see cref="IncidentWorkloads"/>) as the estimator's engine model sees them: one
/// <see cref="TableShape"/> per table with the engine-neutral column types of the DDL, and the stored values of each row
/// as the model needs them (NULL or a byte length). Nothing here is measured: it is the same information an application
/// has (its schema and its values), which is what the estimator is fed in production.
/// </summary>
internal static class CatalogTables
{
    /// <summary>Rows of <c>posts</c> each group has, and the <c>memberships</c> rows.</summary>
    public const int Children = Workload.Children;

    /// <summary>The <c>memberships</c> rows of the group.</summary>
    public const int Memberships = Workload.Memberships;

    /// <summary>
    /// <c>groups</c>: id BIGINT PK, name VARCHAR(255) utf8mb4 (1,020 bytes at most), description and description_html
    /// LONGTEXT/text (html NULL), three INT counters, created_at and updated_at DATETIME(6)/timestamp. In the cascade schema
    /// a DELETE reaches <see cref="Posts"/> and <see cref="MembershipsTable"/> through <c>ON DELETE CASCADE</c>.
    /// </summary>
    public static TableShape Groups(bool cascades) => new(
        "groups",
        [
            new("id", ColumnType.Int64, isKey: true),
            new("name", ColumnType.VarChar(255 * 4)),
            new("description", ColumnType.Text(), isNullable: true),
            new("description_html", ColumnType.Text(), isNullable: true),
            new("posts_count", ColumnType.Int32),
            new("memberships_count", ColumnType.Int32),
            new("tracks_count", ColumnType.Int32),
            new("created_at", ColumnType.DateTime(6)),
            new("updated_at", ColumnType.DateTime(6)),
        ])
    {
        CascadeDeleteTables = cascades ? [Posts, MembershipsTable] : [],
    };

    /// <summary><c>posts</c>: id BIGINT PK, group_id BIGINT (indexed), body TEXT (65,535 bytes at most), created_at.</summary>
    public static TableShape Posts { get; } = new(
        "posts",
        [
            new("id", ColumnType.Int64, isKey: true),
            new("group_id", ColumnType.Int64),
            new("body", ColumnType.Text(65_535)),
            new("created_at", ColumnType.DateTime(6)),
        ],
        indexCount: 2);

    /// <summary><c>memberships</c>: id BIGINT PK, group_id BIGINT (indexed), user_id BIGINT.</summary>
    public static TableShape MembershipsTable { get; } = new(
        "memberships",
        [
            new("id", ColumnType.Int64, isKey: true),
            new("group_id", ColumnType.Int64),
            new("user_id", ColumnType.Int64),
        ],
        indexCount: 2);

    /// <summary>A group row: the 24-byte name, the description of <paramref name="text"/>, no HTML copy.</summary>
    public static ColumnValue[] GroupRow(TextSize text) =>
    [
        ColumnValue.Present, ColumnValue.OfLength(IncidentWorkloads.GroupName.Length), ColumnValue.OfLength(text.Bytes), ColumnValue.Null,
        ColumnValue.Present, ColumnValue.Present, ColumnValue.Present, ColumnValue.Present, ColumnValue.Present,
    ];

    /// <summary>A post row with its 200-byte body.</summary>
    public static ColumnValue[] PostRow { get; } =
        [ColumnValue.Present, ColumnValue.Present, ColumnValue.OfLength(IncidentWorkloads.PostBodyBytes), ColumnValue.Present];

    /// <summary>A membership row.</summary>
    public static ColumnValue[] MembershipRow { get; } = [ColumnValue.Present, ColumnValue.Present, ColumnValue.Present];

    /// <summary>The columns of <paramref name="table"/> that a statement names, by name.</summary>
    public static bool[] Assigns(TableShape table, params string[] columns) => [.. table.Columns.Select(c => columns.Contains(c.Name))];
}
