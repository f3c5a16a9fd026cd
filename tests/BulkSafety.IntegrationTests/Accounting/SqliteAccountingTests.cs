using BulkSafety.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.IntegrationTests.Accounting;

/// <summary>The accounting scenarios on SQLite files (each database its own file, and so its own log).</summary>
public sealed class SqliteAccountingTests : AccountingTests, IDisposable
{
    private readonly ScratchDirectory _scratch = ScratchDirectory.CreateAsync("accounting").GetAwaiter().GetResult();

    protected override bool FailedStatementAbortsTransaction => false;

    protected override bool DatabasesShareAServer => false;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _scratch.Delete();
    }

    protected override void UseDatabase(DbContextOptionsBuilder options, int database, bool retryOnTransientFailure)
        => options.UseSqlite(
            $"Data Source={_scratch.Combine($"notes{database}.db")}",
            sqlite =>
            {
                if (retryOnTransientFailure)
                {
                    sqlite.ExecutionStrategy(RetryOnTransientCommitFailure);
                }
            });
}
