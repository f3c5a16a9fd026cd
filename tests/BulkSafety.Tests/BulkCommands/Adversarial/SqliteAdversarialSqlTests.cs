using BulkSafety.Testing.AdversarialSql;
using Xunit.Abstractions;

namespace BulkSafety.Tests.BulkCommands.Adversarial;

/// <summary>
/// The guard against adversarial SQL on real SQLite (docs/guard.md, "Raw SQL: what the guard promises"): every statement
/// of <see cref="SqliteAdversarialStatements"/> is run on an unguarded twin and then through the guard on the same seed,
/// and held to the promises — a blocked statement left every table and counter as it was, an admitted one did exactly
/// what it does unguarded and touched no more rows than the guard estimated (<see cref="AdversarialJudge"/>).
/// </summary>
public sealed class SqliteAdversarialSqlTests(SqliteAdversarialDatabase database, ITestOutputHelper output) : IClassFixture<SqliteAdversarialDatabase>
{
    public static TheoryData<string> Statements => SqliteAdversarialStatements.Catalog.Names();

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Statement_IsJudgedBeforeItRuns_AndNoProbeWrites(string statement)
        => output.WriteLine(await AdversarialJudge.JudgeAsync(database, SqliteAdversarialStatements.Catalog[statement]));

    [Fact]
    public void Catalog_HoldsAtLeast150Statements()
    {
        foreach (var (attackClass, statements) in SqliteAdversarialStatements.Catalog.PerClass())
        {
            output.WriteLine($"{attackClass}: {statements}");
        }

        Assert.True(SqliteAdversarialStatements.Catalog.All.Count >= 150);
    }
}
