using BulkSafety.Estimation;
using BulkSafety.Databases;
using BulkSafety.Sql;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// Reading DELETE/UPDATE texts: the shapes EF Core generates on SQLite and PostgreSQL (copied from their logs) and the
/// same shapes written by hand are taken apart; everything else is refused with a reason, never misread.
/// </summary>
public sealed class BulkStatementTests
{
    [Fact]
    public void EfSqliteDelete_IsRead()
    {
        var statement = Parse("DELETE FROM \"posts\" AS \"p\"\nWHERE \"p\".\"GroupId\" = @groupId");

        Assert.Equal(BulkStatementKind.Delete, statement.Kind);
        Assert.Equal(new SqlName("posts", SqlNameMatch.IgnoreAsciiCase), statement.Table);
        Assert.Null(statement.Schema);
        Assert.Equal("\"posts\"", statement.TableText);
        Assert.Equal("\"p\"", statement.Alias);
        Assert.Equal("\"p\".\"GroupId\" = @groupId", statement.Predicate);
        Assert.Null(statement.FromList);
    }

    [Fact]
    public void DeleteWithoutWhere_MatchesEveryRow()
    {
        var statement = Parse("DELETE FROM \"posts\" AS \"p\"");

        Assert.Null(statement.Predicate);
        Assert.Equal(
            "SELECT COUNT(*) FROM (SELECT 1 AS bulksafety_row FROM \"posts\" AS \"p\") AS bulksafety_probe",
            BulkStatementProbe.CountingQuery(DatabaseDialect.Sqlite, statement, [], limit: null));
    }

    [Fact]
    public void EfPostgresDelete_WithSchemaAndSubquery_IsRead()
    {
        var statement = Parse("""
            DELETE FROM gt.posts AS p
            WHERE p."Id" IN (
                SELECT p0."Id"
                FROM gt.posts AS p0
                ORDER BY p0."Id"
                LIMIT @p
            )
            """);

        Assert.Equal(new SqlName("gt", SqlNameMatch.IgnoreAsciiCase), statement.Schema);
        Assert.Equal(new SqlName("posts", SqlNameMatch.IgnoreAsciiCase), statement.Table);
        Assert.Equal("p", statement.Alias);
        Assert.StartsWith("p.\"Id\" IN (", statement.Predicate, StringComparison.Ordinal);
        Assert.EndsWith("LIMIT @p\n)", statement.Predicate, StringComparison.Ordinal);
    }

    [Fact]
    public void EfUpdate_WithSetListAndFrom_IsRead()
    {
        var statement = Parse("""
            UPDATE "posts" AS "p"
            SET "Body" = @p,
                "AuthorId" = "p"."AuthorId" + 1,
                "CreatedAt" = NULL,
                "Title" = 'It''s'
            FROM "groups" AS "g"
            WHERE "p"."GroupId" = "g"."Id" AND "g"."Name" = 'x'
            RETURNING "p"."Id";
            """);

        Assert.Equal(BulkStatementKind.Update, statement.Kind);
        Assert.Equal("\"groups\" AS \"g\"", statement.FromList);
        Assert.Equal("\"p\".\"GroupId\" = \"g\".\"Id\" AND \"g\".\"Name\" = 'x'", statement.Predicate);
        Assert.Equal(
            [
                new BulkAssignment(new SqlName("Body", SqlNameMatch.IgnoreAsciiCase), BulkValue.Parameter("@p")),
                new BulkAssignment(new SqlName("AuthorId", SqlNameMatch.IgnoreAsciiCase), BulkValue.Expression),
                new BulkAssignment(new SqlName("CreatedAt", SqlNameMatch.IgnoreAsciiCase), BulkValue.Null),
                new BulkAssignment(new SqlName("Title", SqlNameMatch.IgnoreAsciiCase), BulkValue.Literal(4)),
            ],
            statement.Assignments);
    }

    [Fact]
    public void CountingQuery_KeepsThePredicateAndJoinsTheFromListOnce()
    {
        var statement = Parse("UPDATE \"posts\" AS \"p\" SET \"Body\" = @p FROM \"groups\" AS \"g\" WHERE \"p\".\"GroupId\" = \"g\".\"Id\" AND \"g\".\"Name\" = @name");
        ColumnShape[] measured = [new("Body", ColumnType.Text())];

        Assert.Equal(
            "SELECT COUNT(*), SUM(bulksafety_c0), MAX(bulksafety_c0) FROM (SELECT 1 AS bulksafety_row, length(CAST(\"p\".\"Body\" AS BLOB)) AS bulksafety_c0 FROM \"posts\" AS \"p\" "
            + "WHERE EXISTS (SELECT 1 FROM \"groups\" AS \"g\" WHERE \"p\".\"GroupId\" = \"g\".\"Id\" AND \"g\".\"Name\" = @name)) AS bulksafety_probe",
            BulkStatementProbe.CountingQuery(DatabaseDialect.Sqlite, statement, measured, limit: null));
        Assert.Equal(
            "SELECT COUNT(*), SUM(bulksafety_c0), MAX(bulksafety_c0) FROM (SELECT 1 AS bulksafety_row, octet_length(\"p\".\"Body\"::text) AS bulksafety_c0 FROM \"posts\" AS \"p\" "
            + "WHERE EXISTS (SELECT 1 FROM \"groups\" AS \"g\" WHERE \"p\".\"GroupId\" = \"g\".\"Id\" AND \"g\".\"Name\" = @name) LIMIT 1000) AS bulksafety_probe",
            BulkStatementProbe.CountingQuery(DatabaseDialect.Postgres, statement, measured, limit: 1000));
    }

    [Fact]
    public void HandWrittenDelete_WithoutAliasOrQuotes_IsRead()
    {
        var statement = Parse("delete from posts where GroupId = @p0 and Body <> 'a; DELETE FROM groups' -- done;\n");

        Assert.Null(statement.Alias);
        Assert.Equal("posts", statement.Qualifier);
        Assert.Equal("GroupId = @p0 and Body <> 'a; DELETE FROM groups'", statement.Predicate);
    }

    [Fact]
    public void PostgresOnlyAndUsing_AreRead()
    {
        var statement = Parse("DELETE FROM ONLY public.posts p USING public.groups g WHERE p.group_id = g.id AND g.name = $1");

        Assert.True(statement.Only);
        Assert.Equal("public.posts", statement.TableText);
        Assert.Equal("p", statement.Alias);
        Assert.Equal("public.groups g", statement.FromList);
        Assert.StartsWith("SELECT COUNT(*) FROM (SELECT 1 AS bulksafety_row FROM ONLY public.posts AS p WHERE EXISTS (SELECT 1 FROM public.groups g WHERE", BulkStatementProbe.CountingQuery(DatabaseDialect.Postgres, statement, [], null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE \"groups\" AS \"g\" SET \"PostsCount\" = \"g\".\"PostsCount\" - 1 WHERE \"g\".\"Id\" = @id", "Id", "@id")]
    [InlineData("UPDATE groups SET PostsCount = PostsCount - 1 WHERE 7 = Id", "Id", "7")]
    [InlineData("UPDATE \"groups\" AS \"g\" SET \"PostsCount\" = 0 WHERE \"g\".\"Id\" > @id", null, null)]
    [InlineData("UPDATE \"groups\" AS \"g\" SET \"PostsCount\" = 0 WHERE \"g\".\"Id\" = @id OR \"g\".\"Id\" = @other", null, null)]
    [InlineData("UPDATE \"groups\" AS \"g\" SET \"PostsCount\" = 0 WHERE \"x\".\"Id\" = @id", null, null)]
    public void SingleEquality_FindsAnUpdateByOneColumn(string sql, string? column, string? value)
    {
        var equality = Parse(sql).SingleEquality();

        Assert.Equal(column, equality?.Column.Value);
        Assert.Equal(value, equality is { } found ? found.Value.Text(sql).ToString() : null);
    }

    [Theory]
    [InlineData("DELETE FROM posts; DELETE FROM groups", "more than one statement")]
    [InlineData("WITH old AS (SELECT Id FROM posts) DELETE FROM posts WHERE Id IN old", "WITH")]
    [InlineData("DELETE FROM posts ORDER BY Id LIMIT 10", "ORDER")]
    [InlineData("DELETE FROM posts WHERE CURRENT OF c", "CURRENT OF")]
    [InlineData("UPDATE posts SET (Body, AuthorId) = ('x', 1)", "column = value")]
    [InlineData("UPDATE posts SET Body = ? WHERE Id = ?", "positional")]
    [InlineData("DELETE FROM posts WHERE Body = 'unterminated", "does not tokenize")]
    [InlineData("DELETE posts WHERE Id = 1", "without FROM")]
    [InlineData("TRUNCATE TABLE posts", "TRUNCATE")]
    [InlineData("UPDATE posts JOIN groups ON 1 = 1 SET Body = 'x'", "not followed by SET")]
    [InlineData("DELETE FROM posts INNER JOIN groups ON 1 = 1", "INNER")]
    [InlineData("DELETE FROM posts WHERE", "empty")]
    [InlineData("DELETE FROM posts *", "target table")]
    [InlineData("UPDATE OR REPLACE posts SET Id = 1 WHERE Id = 2", "UPDATE OR REPLACE")]
    public void UnreadableStatements_AreRefusedWithTheReason(string sql, string reason)
    {
        Assert.Null(BulkStatement.TryParse(sql, SqlLexicon.Sqlite, out var refusal));
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE posts SET AuthorId = Body IS DISTINCT FROM (SELECT NULL WHERE 0)", null)]
    [InlineData("UPDATE posts SET AuthorId = Body IS NOT DISTINCT FROM 'x' WHERE Id < 3", "Id < 3")]
    public void DistinctFromInTheSetList_IsAComparison_NotTheFromClause(string sql, string? predicate)
    {
        var statement = Parse(sql);

        Assert.Null(statement.FromList);
        Assert.Equal(predicate, statement.Predicate);
        Assert.Equal(BulkValueKind.Expression, Assert.Single(statement.Assignments).Value.Kind);
    }

    [Fact]
    public void NestedComment_IsReadAsEachEngineReadsIt()
    {
        const string sql = "DELETE FROM posts WHERE Id = 1 /* a /* nested */ comment */";

        // PostgreSQL nests block comments: the predicate ends at 1. SQLite does not: " comment */" is text after the
        // comment, part of the predicate (which SQLite then rejects).
        Assert.Equal("Id = 1", BulkStatement.TryParse(sql, SqlLexicon.Postgres, out _)!.Predicate);
        Assert.Equal("Id = 1 /* a /* nested */ comment */", BulkStatement.TryParse(sql, SqlLexicon.Sqlite, out _)!.Predicate);
    }

    [Theory]
    [InlineData("DELETE FROM posts", true)]
    [InlineData("  /* cleanup */ update posts set Body = ''", true)]
    [InlineData("TRUNCATE posts", true)]
    [InlineData("MERGE INTO posts USING x ON true WHEN MATCHED THEN DELETE", true)]
    [InlineData("SELECT 1; DELETE FROM posts", true)]
    [InlineData("WITH gone AS (DELETE FROM posts RETURNING Id) SELECT count(*) FROM gone", true)]
    [InlineData("DELETE FROM posts WHERE Body = 'unterminated", true)]
    [InlineData("PREPARE purge AS DELETE FROM posts", true)]
    [InlineData("EXECUTE purge", true)]
    [InlineData("EXPLAIN ANALYZE EXECUTE purge", true)]
    [InlineData("PREPARE recent AS SELECT * FROM posts", false)]
    [InlineData("SELECT * FROM posts WHERE Body = 'DELETE'", false)]
    [InlineData("SELECT * FROM \"Update\"", false)]
    [InlineData("SELECT * FROM posts FOR UPDATE", false)]
    [InlineData("WITH p AS (SELECT * FROM posts) SELECT * FROM p FOR NO KEY UPDATE", false)]
    [InlineData("INSERT INTO posts (Body) VALUES ('x')", false)]
    [InlineData("CREATE TABLE t (id int)", false)]
    public void Classify_FindsStatementsThatChangeExistingRows(string sql, bool writes)
        => Assert.Equal(writes, RawWrite.Classify(sql, SqlLexicon.Sqlite) is not null);

    private static BulkStatement Parse(string sql)
    {
        var statement = BulkStatement.TryParse(sql, SqlLexicon.Sqlite, out var refusal);
        Assert.True(statement is not null, refusal);
        return statement;
    }
}
