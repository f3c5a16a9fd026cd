using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.Testing.AdversarialSql;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The guard against adversarial SQL on a real MariaDB 10.11 through Pomelo (docs/guard.md, "Raw SQL: what the guard
/// promises"): every statement of <see cref="MariaDbAdversarialStatements"/> is run on an unguarded twin and then through
/// the guard on the same seed, and held to the promises (<see cref="AdversarialJudge"/>) — above all, that no probe
/// wrote: a blocked statement left every table (the MyISAM audit table a rollback cannot undo included), the sequence and
/// the named lock as they were; an admitted one did exactly what it does unguarded and touched no more rows than the
/// guard estimated.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbAdversarialSqlTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Statements => MariaDbAdversarialStatements.Catalog.Names();

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Statement_IsJudgedBeforeItRuns_AndNoProbeWrites(string statement)
    {
        var database = await MariaDbAdversarialDatabase.ForAsync(fixture.Server);
        output.WriteLine(await AdversarialJudge.JudgeAsync(database, MariaDbAdversarialStatements.Catalog[statement]));
    }

    [Fact]
    public void Catalog_HoldsAtLeast150Statements()
    {
        foreach (var (attackClass, statements) in MariaDbAdversarialStatements.Catalog.PerClass())
        {
            output.WriteLine($"{attackClass}: {statements}");
        }

        Assert.True(MariaDbAdversarialStatements.Catalog.All.Count >= 150);
    }
}
