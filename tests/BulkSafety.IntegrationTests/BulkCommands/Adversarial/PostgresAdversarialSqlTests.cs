using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.Testing.AdversarialSql;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.BulkCommands.Adversarial;

/// <summary>
/// The guard against adversarial SQL on real PostgreSQL 15 (docs/guard.md, "Raw SQL: what the guard promises"): every
/// statement of <see cref="PostgresAdversarialStatements"/> is run on an unguarded twin and then through the guard on
/// the same seed, and held to the promises — a blocked statement left every table, sequence and lock as it was, an
/// admitted one did exactly what it does unguarded and touched no more rows than the guard estimated
/// (<see cref="AdversarialJudge"/>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAdversarialSqlTests(PostgresFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Statements => PostgresAdversarialStatements.Catalog.Names();

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Statement_IsJudgedBeforeItRuns_AndNoProbeWrites(string statement)
    {
        var database = await PostgresAdversarialDatabase.ForAsync(fixture.Server);
        output.WriteLine(await AdversarialJudge.JudgeAsync(database, PostgresAdversarialStatements.Catalog[statement]));
    }

    [Fact]
    public void Catalog_HoldsAtLeast150Statements()
    {
        foreach (var (attackClass, statements) in PostgresAdversarialStatements.Catalog.PerClass())
        {
            output.WriteLine($"{attackClass}: {statements}");
        }

        Assert.True(PostgresAdversarialStatements.Catalog.All.Count >= 150);
    }
}
