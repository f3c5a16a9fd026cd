using System.Transactions;
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

    [Fact]
    public void UnconfiguredProfile_IsPostgreSqlsWal()
    {
        using var app = new NotesApp(o => UseDatabase(o, database: 12, retryOnTransientFailure: false));
        using var context = app.Guarded();
        context.Notes.Add(new Note { Body = "x" });

        var report = context.EstimatePendingChanges();

        Assert.Equal(("postgres-wal-replica", "the default for PostgreSQL"), (report.ProfileName, report.ProfileBasis));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TransactionScope_ChargesTheWorkWhenItCompletes(bool complete)
    {
        using var app = new NotesApp(o => UseDatabase(o, database: 10, retryOnTransientFailure: false));
        var bytes = app.EstimateOf(new Note { Body = "in a scope" });
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = app.Guarded();
            context.Notes.Add(new Note { Body = "in a scope" });
            await context.SaveChangesAsync();
            Assert.Equal(0, app.Ledger.CommittedBytesInWindow);
            if (complete)
            {
                scope.Complete();
            }
        }

        Assert.Equal((complete ? bytes : 0, 0L, complete ? 1L : 0L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwoContextsOnOneConnection_InAnAmbientTransaction_AreChargedWithIt(bool complete)
    {
        using var app = new NotesApp(o => UseDatabase(o, database: 11, retryOnTransientFailure: false));
        var bytes = app.EstimateOf(new Note { Body = "first" }) + app.EstimateOf(new Note { Body = "second" });
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString) { Database = "accounting11" }.ConnectionString);
            await connection.OpenAsync();
            foreach (var body in new[] { "first", "second" })
            {
                await using var context = new NotesContext(new DbContextOptionsBuilder<NotesContext>().UseNpgsql(connection).UseBulkSafety().UseApplicationServiceProvider(app.Services).Options);
                context.Notes.Add(new Note { Body = body });
                await context.SaveChangesAsync();
            }

            if (complete)
            {
                scope.Complete();
            }
        }

        Assert.Equal((complete ? bytes : 0, 0L, complete ? 2L : 0L), (app.Ledger.CommittedBytesInWindow, app.Ledger.PendingBytes, app.Count()));
    }

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
