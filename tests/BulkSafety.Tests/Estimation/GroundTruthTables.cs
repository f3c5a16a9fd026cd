using BulkSafety.Estimation;

namespace BulkSafety.Tests.Estimation;

/// <summary>
/// The tables of the ground-truth measurements in ENGINE-NOTES (database <c>gt</c>/<c>gtc</c>): a wide <c>groups</c> row
/// with a long description, and its narrow children.
/// </summary>
internal static class GroundTruthTables
{
    public const int DescriptionBytes = 51_200;
    public const int NameBytes = 24;

    // id, name, description, html, posts_count, memberships_count, tracks_count, created_at, updated_at
    public static TableShape Groups(params TableShape[] cascadeDeleteTables) => new(
        "groups",
        [
            new("id", ColumnType.Int64, isKey: true),
            new("name", ColumnType.VarChar(255 * 4)),
            new("description", ColumnType.Text()),
            new("html", ColumnType.Text(), isNullable: true),
            new("posts_count", ColumnType.Int32),
            new("memberships_count", ColumnType.Int32),
            new("tracks_count", ColumnType.Int32),
            new("created_at", ColumnType.DateTime(6)),
            new("updated_at", ColumnType.DateTime(6)),
        ])
    {
        CascadeDeleteTables = cascadeDeleteTables,
    };

    // id, group_id, body (200 bytes stored), author_id
    public static TableShape Posts() => new(
        "posts",
        [
            new("id", ColumnType.Int64, isKey: true),
            new("group_id", ColumnType.Int64),
            new("body", ColumnType.VarChar(1000)),
            new("author_id", ColumnType.Int64),
        ]);

    public static TableShape Memberships() => new(
        "memberships",
        [
            new("id", ColumnType.Int64, isKey: true),
            new("group_id", ColumnType.Int64),
            new("user_id", ColumnType.Int64),
        ]);

    public static ColumnValue[] GroupRow(int descriptionBytes = DescriptionBytes) =>
    [
        ColumnValue.Present, ColumnValue.OfLength(NameBytes), ColumnValue.OfLength(descriptionBytes), ColumnValue.Null,
        ColumnValue.Present, ColumnValue.Present, ColumnValue.Present, ColumnValue.Present, ColumnValue.Present,
    ];

    public static ColumnValue[] PostRow() => [ColumnValue.Present, ColumnValue.Present, ColumnValue.OfLength(200), ColumnValue.Present];

    public static bool[] Assigns(TableShape table, params string[] columns)
        => table.Columns.Select(c => columns.Contains(c.Name)).ToArray();
}
