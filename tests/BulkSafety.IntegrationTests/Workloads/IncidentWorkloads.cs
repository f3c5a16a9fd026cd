using System.Globalization;

namespace BulkSafety.IntegrationTests.Workloads;

/// <summary>
/// The incident's schema and row operations as SQL for MariaDB and PostgreSQL. The tables are those of the measurements
/// in ENGINE-NOTES.md (recovered from its figures: the MariaDB Table_map of <c>gt.groups</c> is 62 B with n = 9 columns
/// and m = 6 metadata bytes, the FULL group row image is 72 B + the description, the <c>posts</c> image 27 B + the
/// 200-byte body), so the hand-computed figures there apply unchanged:
/// <code>
/// groups      (id BIGINT PK, name VARCHAR(255) -- 24 bytes used, description LONGTEXT, description_html LONGTEXT NULL,
///              posts_count INT, memberships_count INT, tracks_count INT, created_at DATETIME(6), updated_at DATETIME(6))
/// posts       (id BIGINT PK, group_id BIGINT, body TEXT -- 200 bytes, created_at DATETIME(6))
/// memberships (id BIGINT PK, group_id BIGINT, user_id BIGINT)
/// </code>
/// Schema <c>gt</c> has no foreign keys; schema <c>gtc</c> has the same tables with the children's foreign keys
/// <c>ON DELETE CASCADE</c>. The hot row is group 7; its posts are 1001..1010, its memberships 2001..2005.
/// </summary>
public static class IncidentWorkloads
{
    /// <summary>The schema (MariaDB database) without foreign keys.</summary>
    public const string PlainSchema = "gt";

    /// <summary>The schema whose children cascade on delete.</summary>
    public const string CascadeSchema = "gtc";

    /// <summary>The hot row's primary key.</summary>
    public const int GroupId = 7;

    /// <summary>The first child post's primary key; the others follow.</summary>
    public const int FirstPostId = 1001;

    /// <summary>The 24-byte name of every group row.</summary>
    public const string GroupName = "spam-group-0007-takedown";

    /// <summary>Bytes of each post's body.</summary>
    public const int PostBodyBytes = 200;

    private const string Timestamp = "'2011-08-01 12:00:00'";

    private static readonly Dialect MariaDbDialect = new(
        Now: "NOW(6)",
        GroupsTable: """
            CREATE TABLE groups (
              id BIGINT NOT NULL PRIMARY KEY,
              name VARCHAR(255) NOT NULL,
              description LONGTEXT NULL,
              description_html LONGTEXT NULL,
              posts_count INT NOT NULL,
              memberships_count INT NOT NULL,
              tracks_count INT NOT NULL,
              created_at DATETIME(6) NOT NULL,
              updated_at DATETIME(6) NOT NULL
            ) ENGINE=InnoDB
            """,
        PostsTable: """
            CREATE TABLE posts (
              id BIGINT NOT NULL PRIMARY KEY,
              group_id BIGINT NOT NULL,
              body TEXT NOT NULL,
              created_at DATETIME(6) NOT NULL,
              KEY ix_posts_group_id (group_id){0}
            ) ENGINE=InnoDB
            """,
        MembershipsTable: """
            CREATE TABLE memberships (
              id BIGINT NOT NULL PRIMARY KEY,
              group_id BIGINT NOT NULL,
              user_id BIGINT NOT NULL,
              KEY ix_memberships_group_id (group_id){0}
            ) ENGINE=InnoDB
            """,
        CascadeClause: ",\n  FOREIGN KEY (group_id) REFERENCES groups (id) ON DELETE CASCADE",
        ExtraIndexes: []);

    private static readonly Dialect PostgresDialect = new(
        Now: "now()",
        GroupsTable: """
            CREATE TABLE groups (
              id bigint NOT NULL PRIMARY KEY,
              name varchar(255) NOT NULL,
              description text NULL,
              description_html text NULL,
              posts_count int NOT NULL,
              memberships_count int NOT NULL,
              tracks_count int NOT NULL,
              created_at timestamp NOT NULL,
              updated_at timestamp NOT NULL
            )
            """,
        PostsTable: """
            CREATE TABLE posts (
              id bigint NOT NULL PRIMARY KEY,
              group_id bigint NOT NULL{0},
              body text NOT NULL,
              created_at timestamp NOT NULL
            )
            """,
        MembershipsTable: """
            CREATE TABLE memberships (
              id bigint NOT NULL PRIMARY KEY,
              group_id bigint NOT NULL{0},
              user_id bigint NOT NULL
            )
            """,
        CascadeClause: " REFERENCES groups (id) ON DELETE CASCADE",
        ExtraIndexes: ["CREATE INDEX ix_posts_group_id ON posts (group_id)", "CREATE INDEX ix_memberships_group_id ON memberships (group_id)"]);

    /// <summary>The MariaDB workload of <paramref name="shape"/> with a description of <paramref name="text"/>.</summary>
    public static Workload ForMariaDb(WorkloadShape shape, TextSize text) => Build(MariaDbDialect, "mariadb", shape, text, []);

    /// <summary>The PostgreSQL workload of <paramref name="shape"/>, its tables set to <paramref name="identity"/>.</summary>
    public static Workload ForPostgres(WorkloadShape shape, TextSize text, ReplicaIdentity identity)
    {
        string[] identityStatements = identity == ReplicaIdentity.Full
            ? ["ALTER TABLE groups REPLICA IDENTITY FULL", "ALTER TABLE posts REPLICA IDENTITY FULL", "ALTER TABLE memberships REPLICA IDENTITY FULL"]
            : [];
        var name = identity == ReplicaIdentity.Full ? "postgres/identity-full" : "postgres/identity-default";
        return Build(PostgresDialect, name, shape, text, identityStatements);
    }

    /// <summary>
    /// The description text: <paramref name="bytes"/> ASCII letters and digits from a fixed-seed generator, so every run
    /// stores the same value and PostgreSQL cannot compress it (pglz finds no repeats), as with the incident's text.
    /// </summary>
    public static string Description(int bytes)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
#pragma warning disable CA5394 // Not security: a fixed seed makes the stored value identical in every run.
        var random = new Random(20110801);
        return string.Create(bytes, random, static (chars, generator) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[generator.Next(Alphabet.Length)];
            }
        });
#pragma warning restore CA5394
    }

    /// <summary>The INSERT statement of a group row, all columns named, the description inlined as a literal (as a
    /// driver that inlines parameters sends it).</summary>
    public static string InsertGroupStatement(int id, TextSize text, int postsCount, int membershipsCount) =>
        "INSERT INTO groups (id, name, description, description_html, posts_count, memberships_count, tracks_count, created_at, updated_at) " +
        Invariant($"VALUES ({id}, '{GroupName}', '{Description(text.Bytes)}', NULL, {postsCount}, {membershipsCount}, 0, {Timestamp}, {Timestamp})");

    private static Workload Build(Dialect dialect, string engine, WorkloadShape shape, TextSize text, IReadOnlyList<string> identityStatements)
    {
        var schema = shape == WorkloadShape.CascadeDelete ? CascadeSchema : PlainSchema;
        var cascade = schema == CascadeSchema ? dialect.CascadeClause : string.Empty;
        List<string> setup =
        [
            "DROP TABLE IF EXISTS memberships",
            "DROP TABLE IF EXISTS posts",
            "DROP TABLE IF EXISTS groups",
            dialect.GroupsTable,
            string.Format(CultureInfo.InvariantCulture, dialect.PostsTable, cascade),
            string.Format(CultureInfo.InvariantCulture, dialect.MembershipsTable, cascade),
            .. dialect.ExtraIndexes,
            .. identityStatements,
        ];
        if (shape != WorkloadShape.InsertGroup)
        {
            setup.Add(InsertGroupStatement(GroupId, text, Workload.Children, Workload.Memberships));
            setup.Add("INSERT INTO posts (id, group_id, body, created_at) VALUES " + string.Join(", ", Enumerable.Range(0, Workload.Children)
                .Select(i => Invariant($"({FirstPostId + i}, {GroupId}, '{new string('p', PostBodyBytes)}', {Timestamp})"))));
            setup.Add("INSERT INTO memberships (id, group_id, user_id) VALUES " + string.Join(", ", Enumerable.Range(0, Workload.Memberships)
                .Select(i => Invariant($"({2001 + i}, {GroupId}, {5001 + i})"))));
        }

        var counter = Invariant($"UPDATE groups SET posts_count=posts_count-1 WHERE id={GroupId}");
        var touch = Invariant($"UPDATE groups SET updated_at={dialect.Now} WHERE id={GroupId}");
        var noOp = Invariant($"UPDATE groups SET posts_count=posts_count WHERE id={GroupId}");
        IReadOnlyList<string> measured = shape switch
        {
            WorkloadShape.InsertGroup => [InsertGroupStatement(GroupId + 1, text, 0, 0)],
            WorkloadShape.UpdateCounter => [counter],
            WorkloadShape.TouchGroup => [touch],
            WorkloadShape.NoOpUpdate => [noOp],
            WorkloadShape.DeleteGroup or WorkloadShape.CascadeDelete => [Invariant($"DELETE FROM groups WHERE id={GroupId}")],
            WorkloadShape.DeleteChild => [Invariant($"DELETE FROM posts WHERE id={FirstPostId}")],
            WorkloadShape.DeleteNothing => ["DELETE FROM posts WHERE id=999999"],
            WorkloadShape.PerChildLoop =>
            [
                .. Enumerable.Range(FirstPostId, Workload.Children)
                    .SelectMany(postId => new[] { Invariant($"DELETE FROM posts WHERE id={postId}"), counter, touch }),
            ],
            WorkloadShape.SetBased =>
            [
                Invariant($"DELETE FROM posts WHERE group_id={GroupId}"),
                Invariant($"UPDATE groups SET posts_count=posts_count-{Workload.Children}, updated_at={dialect.Now} WHERE id={GroupId}"),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };

        // Updates of the same row can run twice, so they are warmed up once: the measured run is then a steady-state
        // rewrite. The other shapes consume their rows; their pages are written by the setup, which is warm enough.
        IReadOnlyList<string> warmup = shape is WorkloadShape.UpdateCounter or WorkloadShape.TouchGroup or WorkloadShape.NoOpUpdate ? measured : [];
        return new Workload($"{engine}/{ShapeName(shape)}/{text}", shape, text, schema, setup, warmup, measured);
    }

    /// <summary>The kebab-case name of a shape used in workload names and the figures table.</summary>
    public static string ShapeName(WorkloadShape shape) => shape switch
    {
        WorkloadShape.InsertGroup => "insert-group",
        WorkloadShape.UpdateCounter => "update-counter",
        WorkloadShape.TouchGroup => "touch-group",
        WorkloadShape.NoOpUpdate => "no-op-update",
        WorkloadShape.DeleteGroup => "delete-group",
        WorkloadShape.DeleteChild => "delete-child",
        WorkloadShape.DeleteNothing => "delete-nothing",
        WorkloadShape.PerChildLoop => "per-child-loop",
        WorkloadShape.SetBased => "set-based",
        WorkloadShape.CascadeDelete => "cascade-delete",
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Dialect(
        string Now, string GroupsTable, string PostsTable, string MembershipsTable, string CascadeClause, IReadOnlyList<string> ExtraIndexes);
}
