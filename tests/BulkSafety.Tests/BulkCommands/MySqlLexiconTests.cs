using BulkSafety.Databases;
using BulkSafety.Estimation;
using BulkSafety.Sql;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// MySQL/MariaDB text read as the server reads it (<see cref="SqlLexicon.MySql"/> and its <c>sql_mode</c> variants): the
/// tokens each construct gives, the constructs refused as unreadable, the statements' shapes Pomelo writes, the raw
/// statements that change rows, and what a probe may evaluate (<see cref="MySqlCalls"/>).
/// </summary>
public sealed class MySqlLexiconTests
{
    private static readonly SqlLexicon NoBackslashEscapes = SqlLexicon.MySqlSession(ansiQuotes: false, noBackslashEscapes: true);
    private static readonly SqlLexicon AnsiQuotes = SqlLexicon.MySqlSession(ansiQuotes: true, noBackslashEscapes: false);

    [Theory]
    [InlineData("DELETE FROM t # note\nWHERE a = 1", "DELETE|FROM|t|WHERE|a|=|1")]
    [InlineData("DELETE FROM t WHERE a = 1 # OR 1 = 1", "DELETE|FROM|t|WHERE|a|=|1")]
    [InlineData("SELECT 1 -- OR 1 = 1", "SELECT|1")]
    [InlineData("SELECT 1 --\tx", "SELECT|1")]
    [InlineData("SELECT 1 --", "SELECT|1")]
    [InlineData("SELECT 1--1", "SELECT|1|-|-|1")]
    [InlineData("SELECT 1 --x", "SELECT|1|-|-|x")]
    [InlineData("SELECT 1 --\u00A0x", "SELECT|1|-|-|\u00A0x")]
    [InlineData("SELECT 1 -- x\r OR 2", "SELECT|1")]
    [InlineData("SELECT 1 -- x\n OR 2", "SELECT|1|OR|2")]
    [InlineData("SELECT /* a ' b */ 1", "SELECT|1")]
    [InlineData("SELECT 'x\\' OR 1 = 1 --'", "SELECT|'x\\' OR 1 = 1 --'")]
    [InlineData("SELECT 'it''s', 'a\\\\'", "SELECT|'it''s'|,|'a\\\\'")]
    [InlineData("SELECT \"x\\\" OR 1 --\"", "SELECT|\"x\\\" OR 1 --\"")]
    [InlineData("SELECT `a``b`.`c`", "SELECT|`a``b`|.|`c`")]
    [InlineData("SELECT x'41', X'4A', b'01', N'it\\'s', n'x'", "SELECT|x'41'|,|X'4A'|,|b'01'|,|N'it\\'s'|,|n'x'")]
    [InlineData("SELECT _utf8mb4'a\\'b' COLLATE utf8mb4_bin", "SELECT|_utf8mb4|'a\\'b'|COLLATE|utf8mb4_bin")]
    [InlineData("SELECT x'\\' OR 1", "SELECT|x'\\'|OR|1")]
    [InlineData("DELETE FROM t WHERE\u00A0a = 1", "DELETE|FROM|t|WHERE\u00A0a|=|1")]
    [InlineData("DELETE FROM t WHERE a = 1 OR\u2028b", "DELETE|FROM|t|WHERE|a|=|1|OR\u2028b")]
    [InlineData("DELETE\vFROM t", "DELETE|FROM|t")]
    [InlineData("SELECT 1abc, 1e5, 1.5e-3, 1.OR, .5, 0x1F, 0b101, $a, a$b", "SELECT|1abc|,|1e5|,|1.5e-3|,|1.|OR|,|.5|,|0x1F|,|0b101|,|$a|,|a$b")]
    [InlineData("SELECT @p, ?, @@sql_mode, @x := 1", "SELECT|@p|,|?|,|@|@sql_mode|,|@x|:|=|1")]
    [InlineData("SELECT a FROM t WHERE b = :c", "SELECT|a|FROM|t|WHERE|b|=|:|c")]
    public void Text_IsTokenizedAsTheServerReadsIt(string sql, string tokens)
        => Assert.Equal(tokens, Tokens(sql, SqlLexicon.MySql));

    [Theory]
    [InlineData("SELECT 1 /*! ; DELETE FROM t */")]
    [InlineData("SELECT 1 /*!50100 OR 1 = 1 */")]
    [InlineData("SELECT 1 /*M!100100 OR 1 = 1 */")]
    [InlineData("SELECT /*+ SET_VAR(sql_mode = 'ANSI_QUOTES') */ 1")]
    [InlineData("SELECT 1 /* a /* b */ OR 1 = 1 */")]
    [InlineData("SELECT 1 /* unterminated")]
    [InlineData("SELECT 'unterminated\\'")]
    [InlineData("SELECT `unterminated")]
    [InlineData("SELECT 1 \u0000 OR 1")]
    [InlineData("SELECT 1 \u0085 OR 1")]
    public void CommentsTheServerRuns_AndBrokenText_AreUnreadable(string sql)
        => Assert.Null(SqlTokenizer.Tokenize(sql, SqlLexicon.MySql));

    [Fact]
    public void NoBackslashEscapes_EndsTheStringAtTheBackslashedQuote()
    {
        const string sql = "SELECT 'x\\' ; DELETE FROM t; -- '";

        Assert.Equal("SELECT|'x\\' ; DELETE FROM t; -- '", Tokens(sql, SqlLexicon.MySql));
        Assert.Equal("SELECT|'x\\'|;|DELETE|FROM|t|;", Tokens(sql, NoBackslashEscapes));
    }

    [Fact]
    public void AnsiQuotes_MakesDoubleQuotesAnIdentifier()
    {
        const string sql = "DELETE FROM t WHERE \"a\\\" = 1 OR 1 = 1 -- \"";

        Assert.Equal("DELETE|FROM|t|WHERE|\"a\\\" = 1 OR 1 = 1 -- \"", Tokens(sql, SqlLexicon.MySql));
        Assert.Equal("DELETE|FROM|t|WHERE|\"a\\\"|=|1|OR|1|=|1", Tokens(sql, AnsiQuotes));
        Assert.Equal(SqlTokenKind.QuotedIdentifier, SqlTokenizer.Tokenize("\"a\"", AnsiQuotes)![0].Kind);
        Assert.Equal(SqlTokenKind.String, SqlTokenizer.Tokenize("\"a\"", SqlLexicon.MySql)![0].Kind);
    }

    [Fact]
    public void PomeloExecuteDelete_IsReadAsASingleTableDelete()
    {
        var statement = Parse("DELETE `i`\nFROM `items` AS `i`\nWHERE `i`.`owner_id` = @__ownerId_0");

        Assert.Equal(BulkStatementKind.Delete, statement.Kind);
        Assert.Equal("`items`", statement.TableText);
        Assert.Equal("`i`", statement.Alias);
        Assert.Equal("`i`.`owner_id` = @__ownerId_0", statement.Predicate);
        Assert.Equal(
            "SELECT COUNT(*), SUM(bulksafety_c0), MAX(bulksafety_c0) FROM (SELECT 1 AS bulksafety_row, LENGTH(`i`.`title`) AS bulksafety_c0 FROM `items` AS `i` WHERE `i`.`owner_id` = @__ownerId_0) AS bulksafety_probe",
            BulkStatementProbe.CountingQuery(DatabaseDialect.MySql, statement, [new ColumnShape("title", ColumnType.VarChar(100))], limit: null));
    }

    [Fact]
    public void PomeloExecuteUpdate_IsRead()
    {
        var statement = Parse("UPDATE `items` AS `i`\nSET `i`.`views` = `i`.`views` + 1\nWHERE `i`.`owner_id` = 1");

        Assert.Equal("`i`.`owner_id` = 1", statement.Predicate);
        Assert.Equal(new SqlName("views", SqlNameMatch.IgnoreAsciiCase), Assert.Single(statement.Assignments).Column);
    }

    [Theory]
    [InlineData("DELETE `x` FROM `items` AS `i` WHERE 1", "a DELETE of `x`")]
    [InlineData("DELETE IGNORE FROM items WHERE id = 1", "a DELETE of IGNORE")]
    [InlineData("DELETE `i`, `t` FROM `items` AS `i` JOIN tags AS t ON t.item_id = i.id", "multi-table")]
    [InlineData("DELETE `i` FROM `items` AS `i` JOIN tags AS t ON t.item_id = i.id", "JOIN")]
    [InlineData("DELETE FROM items USING items JOIN tags ON 1", "USING")]
    [InlineData("UPDATE items, tags SET items.views = 1", "not followed by SET")]
    [InlineData("DELETE FROM items WHERE id > 1 ORDER BY id LIMIT 1", "ORDER")]
    [InlineData("DELETE FROM items WHERE id = 1 /*! OR 1 */", "does not tokenize")]
    public void MultiTableAndModifiedForms_AreRefused(string sql, string reason)
    {
        Assert.Null(BulkStatement.TryParse(sql, SqlLexicon.MySql, out var refusal));
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2", "Unpriceable")]
    [InlineData("REPLACE INTO t (a) VALUES (1)", "Unpriceable")]
    [InlineData("INSERT INTO t (a) SELECT a FROM u", "Unpriceable")]
    [InlineData("INSERT INTO t SELECT * FROM u", "Unpriceable")]
    [InlineData("LOAD DATA INFILE '/tmp/x' REPLACE INTO TABLE t", "Unpriceable")]
    [InlineData("LOAD XML INFILE '/tmp/x' INTO TABLE t", "Unpriceable")]
    [InlineData("HANDLER t OPEN", "Unpriceable")]
    [InlineData("PREPARE s FROM @text", "Unpriceable")]
    [InlineData("EXECUTE s", "Unpriceable")]
    [InlineData("CALL purge(1)", "Unpriceable")]
    [InlineData("DO audit(1)", "Unpriceable")]
    [InlineData("DELETE `i`, `t` FROM items AS i JOIN tags AS t ON t.item_id = i.id", "DeleteOrUpdate")]
    [InlineData("TRUNCATE TABLE t", "Truncate")]
    [InlineData("SELECT 1 /*! ; DELETE FROM t */", "Unpriceable")]
    [InlineData("DELETE FROM t # ; DELETE FROM u", "DeleteOrUpdate")]
    public void RawStatementsThatChangeRows_AreRecognised(string sql, string shape)
        => Assert.Equal(shape, RawWrite.Classify(sql, SqlLexicon.MySql)?.Shape.ToString());

    [Theory]
    [InlineData("INSERT INTO t (a) VALUES (1)")]
    [InlineData("INSERT INTO t SET a = 1")]
    [InlineData("SELECT * FROM t WHERE a = 'DELETE'")]
    [InlineData("SELECT 1 # DELETE FROM t")]
    [InlineData("SELECT 1 -- DELETE FROM t")]
    public void Reads_AndPlainInserts_AreNoWrites(string sql)
        => Assert.Null(RawWrite.Classify(sql, SqlLexicon.MySql));

    [Fact]
    public void AWriteHiddenFromOneSqlMode_IsFoundByAnother()
    {
        // The default mode reads one string; NO_BACKSLASH_ESCAPES reads a SELECT, then a DELETE.
        const string sql = "SELECT 'x\\' ; DELETE FROM t; -- '";

        Assert.Null(RawWrite.Classify(sql, SqlLexicon.MySql));
        Assert.Contains(DatabaseDialect.MySql.SessionLexicons, lexicon => RawWrite.Classify(sql, lexicon) is not null);
    }

    [Theory]
    [InlineData("`i`.`created` < DATE_SUB(NOW(), INTERVAL 1 DAY)")]
    [InlineData("COALESCE(a, 1) = LENGTH(CONCAT(b, 'x')) AND c IN (1, 2)")]
    [InlineData("CAST(a AS DECIMAL(10, 2)) > 1 AND CONVERT(b USING utf8mb4) = 'x'")]
    [InlineData("EXISTS (SELECT 1 FROM tags AS t WHERE t.item_id = i.id) AND NOT (a = 1)")]
    [InlineData("MATCH (a) AGAINST ('x') AND IF(a, 1, 0) = 1 AND `start` < 3")]
    public void SideEffectFreeBuiltIns_MayBeEvaluated(string predicate)
        => Assert.Null(MySqlCalls.Refusal(predicate, SqlTokenizer.Tokenize(predicate, SqlLexicon.MySql)!));

    [Theory]
    [InlineData("SLEEP(1) = 0", "SLEEP")]
    [InlineData("BENCHMARK(1000, MD5('x')) = 0", "BENCHMARK")]
    [InlineData("GET_LOCK('x', 0) = 1", "GET_LOCK")]
    [InlineData("RELEASE_LOCK('x') = 1", "RELEASE_LOCK")]
    [InlineData("LOAD_FILE('/etc/passwd') IS NULL", "LOAD_FILE")]
    [InlineData("LAST_INSERT_ID(5) = 5", "LAST_INSERT_ID")]
    [InlineData("NEXTVAL(s) > 0", "NEXTVAL")]
    [InlineData("id = NEXT VALUE FOR s", "NEXT")]
    [InlineData("RAND() < 0.5", "RAND")]
    [InlineData("audit(id)", "audit")]
    [InlineData("db.now() IS NOT NULL", "another database")]
    [InlineData("`now`() IS NOT NULL", "quoted name")]
    [InlineData("NOW () IS NOT NULL", "space")]
    [InlineData("(@x := id) > 0", ":=")]
    [InlineData("id IN (SELECT id FROM t FOR UPDATE)", "UPDATE")]
    [InlineData("id IN (SELECT id FROM t LOCK IN SHARE MODE)", "LOCK")]
    [InlineData("id IN (SELECT 1 INTO OUTFILE '/tmp/x')", "INTO")]
    public void CallsAndSyntaxWithSideEffects_AreRefused(string predicate, string reason)
        => Assert.Contains(reason, MySqlCalls.Refusal(predicate, SqlTokenizer.Tokenize(predicate, SqlLexicon.MySql)!), StringComparison.Ordinal);

    private static string Tokens(string sql, SqlLexicon lexicon)
        => string.Join('|', SqlTokenizer.Tokenize(sql, lexicon)!.Select(token => token.Text(sql).ToString()));

    private static BulkStatement Parse(string sql)
    {
        var statement = BulkStatement.TryParse(sql, SqlLexicon.MySql, out var refusal);
        Assert.True(statement is not null, refusal);
        return statement;
    }
}
