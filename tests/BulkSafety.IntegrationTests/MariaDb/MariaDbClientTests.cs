using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.MariaDb;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbClientTests(MariaDbFixture fixture)
{
    private MariaDbClient Client => fixture.Server.Client;

    [Fact]
    public async Task Query_DecodesEscapedTabsNewlinesBackslashesAndNulls()
    {
        var result = await Client.QueryAsync(@"SELECT 'a\tb' AS tab, 'x\ny' AS newline, 'back\\slash' AS backslash, NULL AS nothing, 42 AS answer");

        Assert.Equal(["tab", "newline", "backslash", "nothing", "answer"], result.Columns);
        Assert.Equal(["a\tb", "x\ny", @"back\slash", null, "42"], result.Rows.Single());
    }

    [Fact]
    public async Task Query_ReturnsEveryRowInOrder()
    {
        var result = await Client.QueryAsync("SELECT seq FROM seq_1_to_5 ORDER BY seq DESC", database: "mysql");

        Assert.Equal(["5", "4", "3", "2", "1"], result.Rows.Select(row => row[0]));
    }

    [Fact]
    public async Task Query_WithNoRows_HasNoRows()
    {
        var result = await Client.QueryAsync("SELECT seq FROM seq_1_to_5 WHERE seq > 5", database: "mysql");

        Assert.Empty(result.Rows);
    }

    [Fact]
    public async Task Query_CarriesA100KbLiteralThroughStandardInput()
    {
        var text = IncidentWorkloads.Description(TextSize.HundredKb.Bytes);

        var result = await Client.QueryAsync($"SELECT LENGTH('{text}') AS bytes, RIGHT('{text}', 8) AS tail");

        Assert.Equal("102400", result.Value(0, "bytes"));
        Assert.Equal(text[^8..], result.Value(0, "tail"));
    }

    [Fact]
    public async Task Execute_FailingStatement_SurfacesTheServersMessage()
    {
        var error = await Assert.ThrowsAsync<MariaDbException>(() => Client.ExecuteAsync("SELECT 1;\nSELECT * FROM mysql.no_such_table"));

        Assert.Equal(1146, error.ErrorCode);
        Assert.Equal("42S02", error.SqlState);
        Assert.Equal("Table 'mysql.no_such_table' doesn't exist", error.ServerMessage);
    }

    [Fact]
    public async Task Execute_SyntaxError_SurfacesTheServersMessage()
    {
        var error = await Assert.ThrowsAsync<MariaDbException>(() => Client.ExecuteAsync("SELEC 1"));

        Assert.Equal(1064, error.ErrorCode);
        Assert.Contains("You have an error in your SQL syntax", error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WithNoServerOnThePort_SurfacesTheClientsConnectError()
    {
        var nobody = new MariaDbClient(Infrastructure.FreeTcpPort.Next());
        var text = IncidentWorkloads.Description(TextSize.HundredKb.Bytes);

        var error = await Assert.ThrowsAsync<MariaDbException>(() => nobody.ExecuteAsync($"SELECT LENGTH('{text}')"));

        Assert.Equal(2002, error.ErrorCode);
        Assert.Contains("Can't connect", error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionSettings_ApplyToTheRestOfOneCallOnly()
    {
        var inside = await Client.QueryAsync("SET SESSION binlog_row_image='MINIMAL';\nSELECT @@binlog_row_image AS image");
        var after = await Client.QueryAsync("SELECT @@binlog_row_image AS image");

        Assert.Equal("MINIMAL", inside.Scalar());
        Assert.Equal("FULL", after.Scalar());
    }
}
