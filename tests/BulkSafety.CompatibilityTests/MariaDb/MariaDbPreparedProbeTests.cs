using BulkSafety.Databases;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.Sql;
using BulkSafety.Testing.AdversarialSql;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The engine's own single-statement check behind the guard's tokenizer (<see cref="MySqlPreparedProbe"/>), on a real
/// MariaDB 10.11 through MySqlConnector: a text the tokenizer misreads as one statement is refused by <c>PREPARE</c>
/// before anything of it runs, where the same text sent as it is runs every statement in it; parameters reach the
/// prepared statement with the values the client would have substituted; and names the client and the server would
/// read differently are refused before anything is sent.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbPreparedProbeTests(MariaDbFixture fixture)
{
    // With backslash escapes — the default sql_mode — this is SELECT, a string up to ('), a word, a string and a # comment:
    // one statement. Under NO_BACKSLASH_ESCAPES the first string ends at \' and the text is three statements.
    private const string MisreadText = @"SELECT 'a\', 1; INSERT INTO audit_myisam (what) VALUES ('smuggled'); SELECT '#'";

    private static readonly HashSet<string> NoParameters = [];

    [Fact]
    public async Task ATextTheTokenizerMisreadsAsOneStatement_IsRefusedByPrepare_AndWritesNothing()
    {
        var tokens = SqlTokenizer.Tokenize(MisreadText, SqlLexicon.MySql)!;
        Assert.DoesNotContain(tokens, token => token.IsSymbol(MisreadText, ';'));
        await using var connection = await OpenAsync("NO_BACKSLASH_ESCAPES");

        var error = await Assert.ThrowsAsync<MySqlException>(() => ScalarAsync(connection, MySqlPreparedProbe.Build(MisreadText, tokens, NoParameters)));

        Assert.Equal(MySqlErrorCode.ParseError, error.ErrorCode);
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT COUNT(*) FROM audit_myisam WHERE what = 'smuggled'"));
        await ScalarAsync(connection, MisreadText);
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM audit_myisam WHERE what = 'smuggled'"));
    }

    [Fact]
    public async Task BoundParameters_ReachThePreparedStatementInOrder_AndUserAndSystemVariablesAreReadAsTheServerReadsThem()
    {
        const string sql = "SELECT CAST(CONCAT(@second, '|', @First, '|', @second, '|', IFNULL(@unbound, 'none'), '|', @@sql_mode = @@SESSION.sql_mode, '|', '@First') AS CHAR)";
        await using var connection = await OpenAsync("STRICT_TRANS_TABLES");
        var tokens = SqlTokenizer.Tokenize(sql, SqlLexicon.MySql)!;

        var prepared = MySqlPreparedProbe.Build(sql, tokens, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "first", "second" });

        Assert.Equal(
            "b'\\\"c|a|b'\\\"c|none|1|@First",
            await ScalarAsync(connection, prepared, new MySqlParameter("@first", "a"), new MySqlParameter("second", "b'\\\"c")));
    }

    [Theory]
    [InlineData("SELECT COUNT(*) FROM items WHERE id = ?", "bound by position")]
    [InlineData("SELECT COUNT(*) FROM items WHERE id = ?1", "bound by position")]
    [InlineData("SELECT COUNT(*) FROM items WHERE id = @`p0`", "quoted")]
    [InlineData("SELECT COUNT(*) FROM items WHERE id = @'p0'", "quoted")]
    [InlineData("SELECT COUNT(*) FROM items WHERE id = @p0.x", "dot")]
    public void NamesTheClientAndTheServerReadDifferently_AreRefused(string sql, string reason)
    {
        var tokens = SqlTokenizer.Tokenize(sql, SqlLexicon.MySql)!;

        var refusal = Assert.Throws<ProbeRefusedException>(() => MySqlPreparedProbe.Build(sql, tokens, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "p0" }));

        Assert.Contains(reason, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatPreparesNothing_LeavesBulkCommandsAndDatabaseCascadesUnknownCost_AndNothingIsWritten()
    {
        // With max_prepared_stmt_count = 0 every PREPARE fails (1461), the probe scope's first read among them: the guard
        // cannot probe, so it cannot count, and says why.
        var database = await MariaDbAdversarialDatabase.ForAsync(fixture.Server);
        await database.ResetAsync();
        var before = await database.ReadStateAsync();
        await fixture.Server.Client.ExecuteAsync("SET GLOBAL max_prepared_stmt_count = 0");
        try
        {
            await using var context = database.Guarded(_ => { });
            var bulk = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Set<Item>().Where(i => i.OwnerId == 1).ExecuteDeleteAsync());
            context.Remove(await context.Set<Item>().SingleAsync(i => i.Id == 1));
            var save = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.SaveChangesAsync());

            Assert.Equal(BulkSafetyRuleIds.UnknownCost, bulk.Report.RuleId);
            Assert.Contains("the probe refused: the session's transaction state cannot be read (Can't create more than max_prepared_stmt_count", bulk.Message, StringComparison.Ordinal);
            Assert.Equal(BulkSafetyRuleIds.UnknownCost, save.Report.RuleId);
            Assert.Contains("ON DELETE CASCADE would delete from tags cannot be counted (the session's transaction state cannot be read (Can't create more than max_prepared_stmt_count", save.Message, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Server.Client.ExecuteAsync("SET GLOBAL max_prepared_stmt_count = DEFAULT");
        }

        Assert.Equal("", before.DifferenceTo(await database.ReadStateAsync()));
    }

    [Theory]
    [InlineData(65_535, false)]
    [InlineData(65_536, true)]
    public void MoreParametersThanAPreparedStatementTakes_AreRefused(int parameters, bool refused)
    {
        var names = Enumerable.Range(0, parameters).Select(i => $"p{i}").ToList();
        var sql = $"SELECT COUNT(*) FROM items WHERE id IN ({string.Join(", ", names.Select(name => "@" + name))})";
        var tokens = SqlTokenizer.Tokenize(sql, SqlLexicon.MySql)!;

        var build = () => MySqlPreparedProbe.Build(sql, tokens, new HashSet<string>(names, StringComparer.OrdinalIgnoreCase));

        if (refused)
        {
            Assert.Contains("65,536 parameters", Assert.Throws<ProbeRefusedException>(build).Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.EndsWith($"@p{parameters - 1}; DEALLOCATE PREPARE {MySqlPreparedProbe.StatementName}", build(), StringComparison.Ordinal);
        }
    }

    private async Task<MySqlConnection> OpenAsync(string sqlMode)
    {
        var database = await MariaDbAdversarialDatabase.ForAsync(fixture.Server);
        await database.ResetAsync();
        var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await ScalarAsync(connection, $"SET SESSION sql_mode = '{sqlMode}'");
        return connection;
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, params MySqlParameter[] parameters)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync();
    }
}
