using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using BulkSafety.IntegrationTests.MariaDb;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// An ADO.NET connection whose commands run through the <c>mariadb</c> command-line client: this net10.0 project has no
/// MySQL driver for .NET, so this is how the MySQL/MariaDB pacing probes meet a real server here (CompatibilityTests
/// runs them through MySqlConnector). Every value arrives as text (a
/// driver would hand over numbers); a failing statement is a <see cref="DbException"/>, as with a driver. Statements in
/// <paramref name="unsupported"/> fail as on a server that does not know them.
/// </summary>
internal sealed class MariaDbCliConnection(MariaDbClient client, params string[] unsupported) : DbConnection
{
    private ConnectionState state = ConnectionState.Closed;

    [AllowNull]
    public override string ConnectionString { get; set; } = "";

    public override string Database => "";

    public override string DataSource => $"127.0.0.1:{client.Port}";

    public override string ServerVersion => "MariaDB (mariadb CLI)";

    public override ConnectionState State => state;

    /// <summary>The statements run so far, in order.</summary>
    public List<string> Statements { get; } = [];

    public override void Open() => state = ConnectionState.Open;

    public override void Close() => state = ConnectionState.Closed;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new NotSupportedException();

    protected override DbCommand CreateDbCommand() => new Command(this);

    private async Task<DbDataReader> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        Statements.Add(sql);
        if (unsupported.Contains(sql, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliException($"You have an error in your SQL syntax near '{sql}' (simulated older or newer server)");
        }

        QueryResult result;
        try
        {
            result = await client.QueryAsync(sql, cancellationToken: cancellationToken);
        }
        catch (MariaDbException error)
        {
            throw new CliException(error.Message);
        }

        var table = new DataTable();
        foreach (var column in result.Columns)
        {
            table.Columns.Add(column, typeof(string));
        }

        foreach (var row in result.Rows)
        {
            table.Rows.Add([.. row.Select(value => (object?)value ?? DBNull.Value)]);
        }

        return table.CreateDataReader();
    }

    private sealed class CliException(string message) : DbException(message);

    private sealed class Command(MariaDbCliConnection connection) : DbCommand
    {
        [AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; } = CommandType.Text;

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; } = connection;

        protected override DbParameterCollection DbParameterCollection => throw new NotSupportedException("the probes send no parameters");

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override int ExecuteNonQuery() => throw new NotSupportedException();

        public override object? ExecuteScalar() => throw new NotSupportedException();

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => throw new NotSupportedException();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => connection.ExecuteAsync(CommandText, CancellationToken.None).GetAwaiter().GetResult();

        protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) => connection.ExecuteAsync(CommandText, cancellationToken);
    }
}
