using BulkSafety.IntegrationTests.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BulkSafety.IntegrationTests.Accounting;

/// <summary>The accounting scenarios on PostgreSQL: every database of the test on the fixture's one server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountingTests(PostgresFixture fixture) : AccountingTests
{
    protected override bool FailedStatementAbortsTransaction => true;

    protected override bool DatabasesShareAServer => true;

    protected override void UseDatabase(DbContextOptionsBuilder options, int database, bool retryOnTransientFailure)
        => options.UseNpgsql(
            new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString) { Database = $"accounting{database}" }.ConnectionString,
            npgsql =>
            {
                if (retryOnTransientFailure)
                {
                    npgsql.ExecutionStrategy(RetryOnTransientCommitFailure);
                }
            });
}
