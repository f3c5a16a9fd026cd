using BulkSafety.Databases;
using BulkSafety.IntegrationTests.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BulkSafety.IntegrationTests.BulkCommands;

/// <summary>
/// The guard's probes on a real PostgreSQL can only read: they run in a read-only (sub)transaction that is rolled back,
/// reach the server as one statement with positional parameters (so the server, not a tokenizer, refuses a second
/// statement), and evaluate a caller's predicate only when everything it calls is a built-in immutable or stable
/// function.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresProbeSafetyTests(PostgresFixture fixture)
{
    private const string Documents = $"{DocumentsContext.Schema}.documents";

    [Theory]
    [InlineData("SELECT count(*) FROM bulk.documents; DELETE FROM bulk.documents")]
    [InlineData("SELECT count(*) FROM bulk.documents WHERE \"OwnerId\" = @owner; DELETE FROM bulk.documents")]
    [InlineData("SELECT count(*) FROM bulk.documents /* ; */; COMMIT; DELETE FROM bulk.documents")]
    public async Task ProbeText_OfTwoStatements_IsRefusedByTheServer_AndNothingRuns(string sql)
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedAsync(owner: 1, count: 5, bodyBytes: 10);
        await using var connection = await fixture.Server.OpenConnectionAsync();
        await using var lender = new NpgsqlCommand("", connection);
        lender.Parameters.AddWithValue("owner", 1L);

        var scope = await DatabaseDialect.Postgres.OpenProbeScopeAsync(connection, null, null, async: true, CancellationToken.None);
        try
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => scope.QueryAsync(sql, lender, [], r => r.GetInt64(0), async: true, CancellationToken.None).AsTask());
            Assert.Equal("42601", error.SqlState);
        }
        finally
        {
            await scope.CloseAsync(async: true);
        }

        Assert.Equal(5, await documents.CountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProbeScope_IsReadOnly(bool insideTransaction)
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedAsync(owner: 1, count: 5, bodyBytes: 10);
        await using var connection = await fixture.Server.OpenConnectionAsync();
        await using var transaction = insideTransaction ? await connection.BeginTransactionAsync() : null;

        var scope = await DatabaseDialect.Postgres.OpenProbeScopeAsync(connection, transaction, null, async: true, CancellationToken.None);
        try
        {
            await using var write = new NpgsqlCommand($"DELETE FROM {Documents}", connection, transaction);
            var error = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
            Assert.Equal("25006", error.SqlState);
        }
        finally
        {
            await scope.CloseAsync(async: true);
        }

        // The caller's transaction goes on, read-write, after the probe's failure.
        await using (var insert = new NpgsqlCommand($"INSERT INTO {Documents} (\"OwnerId\", \"Title\", \"Views\") VALUES (2, 't', 0)", connection, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        Assert.Equal(6, await documents.CountAsync());
    }

    [Theory]
    [InlineData("DELETE FROM bulk.documents WHERE bulk.audit(\"Id\")", "bulk.audit()")]
    [InlineData("DELETE FROM bulk.documents WHERE \"Id\" IN (SELECT \"Id\" FROM bulk.documents WHERE bulk.audit(\"Id\"))", "bulk.audit()")]
    [InlineData("DELETE FROM bulk.documents WHERE \"OwnerId\" = 1 AND pg_advisory_lock(42) IS NOT NULL", "pg_advisory_lock()")]
    [InlineData("DELETE FROM bulk.documents WHERE \"OwnerId\" = 1 AND random() < 2", "random()")]
    [InlineData("DELETE FROM bulk.documents WHERE \"OwnerId\" = 1 AND nextval('bulk.seq') > 0", "nextval()")]
    [InlineData("DELETE FROM bulk.documents WHERE \"OwnerId\" = 1 OR \"Title\" === 'x'", "operator ===")]
    [InlineData("DELETE FROM bulk.documents WHERE \"OwnerId\" = 1 OR \"Title\" OPERATOR(bulk.===) 'x'", "outside pg_catalog")]
    [InlineData("DELETE FROM bulk.documents WHERE \"OwnerId\"::bulk.owner_id = 1", "type bulk.owner_id")]
    public async Task PredicateWithSideEffects_IsNeverEvaluated_AndBlocked(string sql, string named)
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedAsync(owner: 1, count: 5, bodyBytes: 10);
        await fixture.Server.ExecuteAsync("""
            CREATE TABLE bulk.audit_log (id bigint);
            CREATE SEQUENCE bulk.seq;
            CREATE DOMAIN bulk.owner_id AS bigint;
            CREATE FUNCTION bulk.audit(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN INSERT INTO bulk.audit_log VALUES (id); RETURN true; END $$;
            CREATE FUNCTION bulk.noisy_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN INSERT INTO bulk.audit_log VALUES (0); RETURN a = b; END $$;
            CREATE OPERATOR bulk.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = bulk.noisy_eq);
            """);
        await using var context = documents.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync(sql));

        Assert.Equal(BulkSafetyRuleIds.UnknownCost, violation.Report.RuleId);
        Assert.Contains(named, violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(5, await documents.CountAsync());
        Assert.Equal(0L, await fixture.Server.ScalarAsync<long>("SELECT count(*) FROM bulk.audit_log"));
        Assert.Equal(0L, await fixture.Server.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
        Assert.Equal(0L, await fixture.Server.ScalarAsync<long>("SELECT count(*) FROM bulk.seq WHERE is_called"));
    }

    [Fact]
    public async Task PredicateCallingBuiltInStableFunctions_IsEstimated()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedAsync(owner: 1, count: 5, bodyBytes: 10);
        await using var context = documents.Guarded();

        var deleted = await context.Database.ExecuteSqlRawAsync(
            "DELETE FROM bulk.documents WHERE lower(\"Title\") LIKE 'document%' AND now() > '2000-01-01'::timestamptz AND coalesce(\"Body\", '') <> 'x' AND \"OwnerId\" = {0}",
            1L);

        Assert.Equal(5, deleted);
        Assert.True(documents.Ledger.CommittedBytesInWindow > 0);
    }

    [Fact]
    public async Task LineComment_EndsAtACarriageReturn_AsPostgreSqlReadsIt()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server, o => o.MaxRowsPerUnitOfWork = 15);
        await documents.SeedAsync(owner: 1, count: 10, bodyBytes: 10);
        await documents.SeedAsync(owner: 2, count: 10, bodyBytes: 10);
        await using var context = documents.Guarded();

        // PostgreSQL ends the comment at \r: "OR true" is part of the statement, which deletes all 20 rows.
        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(
            () => context.Database.ExecuteSqlRawAsync("DELETE FROM bulk.documents WHERE \"OwnerId\" = 1 -- only owner 1\r OR true"));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, violation.Report.RuleId);
        Assert.Equal(20, violation.Report.Rows);
        Assert.Equal(20, await documents.CountAsync());
    }

    [Fact]
    public async Task InsideTheCallersTransaction_ProbesSeeItsRows_AndARefusedProbeLeavesItUsable()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await using var context = documents.Guarded();
        await using var transaction = await context.Database.BeginTransactionAsync();
        context.Documents.AddRange(Enumerable.Range(0, 5).Select(i => new Document { OwnerId = 3, Title = $"t{i}" }));
        await context.SaveChangesAsync();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync("DELETE FROM bulk.documents WHERE \"NoSuchColumn\" = 1"));
        var deleted = await context.Database.ExecuteSqlRawAsync("DELETE FROM bulk.documents WHERE \"OwnerId\" = 3 AND \"Title\" <> 't0'");
        await transaction.CommitAsync();

        Assert.Contains("NoSuchColumn", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(4, deleted);
        Assert.Equal(1, await documents.CountAsync());
    }

    [Fact]
    public async Task SessionWithoutStandardConformingStrings_IsNotRead()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedAsync(owner: 1, count: 3, bodyBytes: 10);
        await using var context = documents.Guarded();
        await context.Database.OpenConnectionAsync();
        await context.Database.ExecuteSqlRawAsync("SET standard_conforming_strings = off");

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync("DELETE FROM bulk.documents WHERE \"Title\" = 'a\\' OR true --'"));

        Assert.Contains("standard_conforming_strings", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(3, await documents.CountAsync());
    }
}
