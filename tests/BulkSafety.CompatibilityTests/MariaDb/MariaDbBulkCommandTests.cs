using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.SafePaths;
using BulkSafety.Testing.AdversarialSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using MySqlConnector;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// ExecuteDelete, ExecuteUpdate and raw DELETE through Pomelo on a real MariaDB, on the adversarial suite's seed (items
/// 1–4 of owner 1 carry 3 tags, deleted with them by <c>ON DELETE CASCADE</c>): estimated with the rows they change —
/// outside a transaction and inside the caller's, whose uncommitted rows the probe counts and leaves uncommitted — and
/// judged by the blast radius; and a batched delete, whose probes evaluate the caller's filter in the same scope and count
/// the tags its batches cascade to.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbBulkCommandTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteDelete_IsEstimatedWithTheRowsItAndItsCascadeDelete(bool async)
    {
        var database = await ResetAsync();
        await using var context = database.Guarded(_ => { });
        var logged = database.Log.Count;
        var owner = 1L;

        var query = context.Set<Item>().Where(i => i.OwnerId == owner);
        var deleted = async ? await query.ExecuteDeleteAsync() : query.ExecuteDelete();

        Assert.Equal(4, deleted);
        Assert.Equal(4 + 3, database.Log.RowsEstimatedSince(logged));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteUpdate_InTheCallersTransaction_CountsItsUncommittedRows_AndLeavesThemUncommitted(bool async)
    {
        var database = await ResetAsync();
        await using var context = database.Guarded(_ => { });
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.Database.ExecuteSqlRawAsync("INSERT INTO items (id, owner_id, code, title, body, views) VALUES (13, 1, 'C-13', 'item 13', NULL, 0)");
        var logged = database.Log.Count;

        var query = context.Set<Item>().Where(i => i.OwnerId == 1);
        var updated = async
            ? await query.ExecuteUpdateAsync(s => s.SetProperty(i => i.Views, 5))
            : query.ExecuteUpdate(s => s.SetProperty(i => i.Views, 5));

        Assert.Equal(5, updated);
        Assert.Equal(5, database.Log.RowsEstimatedSince(logged));
        Assert.Equal(1L, await ScalarAsync(context, "SELECT @@in_transaction"));
        Assert.Equal(5L, await ScalarAsync(context, "SELECT COUNT(*) FROM items WHERE owner_id = 1 AND views = 5"));
        Assert.Equal(0L, await ObservedAsync(database, "SELECT COUNT(*) FROM items WHERE id = 13 OR views = 5"));

        await transaction.RollbackAsync();
        Assert.Equal(0L, await ObservedAsync(database, "SELECT COUNT(*) FROM items WHERE id = 13 OR views = 5"));
    }

    [Fact]
    public async Task RawDelete_InATransactionBegunByRawSql_LeavesTheCallersWorkUncommitted()
    {
        var database = await ResetAsync();
        await using var context = database.Guarded(_ => { });
        await context.Database.OpenConnectionAsync();
        await context.Database.ExecuteSqlRawAsync("START TRANSACTION");
        await context.Database.ExecuteSqlRawAsync("UPDATE slots SET name = 'q' WHERE id = 3");
        var logged = database.Log.Count;

        var deleted = await context.Database.ExecuteSqlRawAsync("DELETE FROM items WHERE owner_id = {0}", 2L);

        Assert.Equal(4, deleted);
        Assert.Equal(4 + 1, database.Log.RowsEstimatedSince(logged));
        Assert.Equal(0L, await ObservedAsync(database, "SELECT COUNT(*) FROM slots WHERE name = 'q'"));
        await context.Database.ExecuteSqlRawAsync("ROLLBACK");
        Assert.Equal(0L, await ObservedAsync(database, "SELECT COUNT(*) FROM slots WHERE name = 'q'"));
        Assert.Equal(12L, await ObservedAsync(database, "SELECT COUNT(*) FROM items"));
    }

    [Fact]
    public async Task RawDelete_OfMostOfATable_IsBlockedByTheBlastRadius_BeforeItRuns()
    {
        var database = await ResetAsync();
        await using var context = database.Guarded(options =>
        {
            options.MaxTableFraction = 0.5;
            options.MinTableRowsForFraction = 10;
        });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync("DELETE FROM items WHERE owner_id <> 3"));

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.Equal(12L, await ObservedAsync(database, "SELECT COUNT(*) FROM items"));
    }

    [Fact]
    public async Task ProbeOutsideATransaction_LeavesTheSessionWritable()
    {
        var database = await ResetAsync();
        await using var context = database.Guarded(_ => { });
        await context.Database.OpenConnectionAsync();

        await context.Set<Item>().Where(i => i.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(i => i.Views, 1));

        Assert.Equal(0L, await ScalarAsync(context, "SELECT @@tx_read_only"));
        Assert.Equal(0L, await ScalarAsync(context, "SELECT @@in_transaction"));
        Assert.Equal(1L, await ObservedAsync(database, "SELECT views FROM items WHERE id = 1"));
    }

    [Fact]
    public async Task DeleteInBatches_ProbesItsFilter_AndDeletesExactlyTheMatchingRows()
    {
        var database = await ResetAsync();
        await using var context = database.Guarded(_ => { });
        var logged = database.Log.Count;
        var owner = 1L;

        var result = await context.Set<Item>().Where(i => i.OwnerId == owner && i.Title.Length > 0).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 3 });

        Assert.Equal(4, result.Rows);
        Assert.Equal(2, result.Batches);

        // The batches' units hold the 3 tags InnoDB deletes with their items, counted through the prepared probe.
        Assert.Equal(4 + 3, database.Log.RowsEstimatedSince(logged));
        Assert.Equal(0L, await ObservedAsync(database, "SELECT COUNT(*) FROM items WHERE owner_id = 1"));
        Assert.Equal(8L, await ObservedAsync(database, "SELECT COUNT(*) FROM items"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABulkCommandsEstimate_IsWithinTheCalibrationTolerance_OfTheBinlogItWrites(bool delete)
    {
        // Owner 1's items get bodies of 7, 14, NULL and 28 KB: rows priced at their mean size, each row its own Rows event
        // under the server's FULL images; a delete also carries the Table_map of tags, whose rows InnoDB cascades unlogged.
        var database = await ResetAsync();
        await database.ExecuteAsync(["UPDATE items SET body = CASE WHEN id = 3 THEN NULL ELSE REPEAT('b', id * 7000) END WHERE owner_id = 1"]);
        await using var connection = new MySqlConnection(database.ConnectionString);
        var profile = await Estimation.ReplicationProfile.DetectAsync(connection);
        await using var context = database.Guarded(o => o.Profile = profile);
        var logged = database.Log.Count;
        var query = context.Set<Item>().Where(i => i.OwnerId == 1);

        var measured = await fixture.Meter.MeasureAsync(token => delete ? query.ExecuteDeleteAsync(token) : query.ExecuteUpdateAsync(s => s.SetProperty(i => i.Views, i => i.Views + 1), token));

        var estimated = database.Log.BytesEstimatedSince(logged);
        var tolerance = Math.Max(EfCoreBinlogCalibrationTests.ToleranceBytes, measured.Bytes / 100);
        output.WriteLine($"estimated {estimated:N0} B, written {measured.Bytes:N0} B");
        Assert.True(Math.Abs(estimated - measured.Bytes) <= tolerance, $"estimated {estimated:N0} B, written {measured.Bytes:N0} B: {string.Join(", ", measured.Events.Select(e => $"{e.EventType} {e.Size}"))}");
    }

    private async Task<MariaDbAdversarialDatabase> ResetAsync()
    {
        var database = await MariaDbAdversarialDatabase.ForAsync(fixture.Server);
        await database.ResetAsync();
        return database;
    }

    private static async Task<long> ScalarAsync(DbContext context, string sql)
    {
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // What another session sees: committed rows only.
    private static async Task<long> ObservedAsync(MariaDbAdversarialDatabase database, string sql)
    {
        await using var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
