using IncidentReplay;

namespace BulkSafety.Tests.Sample;

/// <summary>
/// The incident replay sample: its arguments, and that each run shows what it is built to show. The replay measures
/// through the process-wide meter, so these tests run alone.
/// </summary>
[Collection(Guard.MetricsCollection.Name)]
public sealed class IncidentReplayTests
{
    [Theory]
    [InlineData("mysql-full")]
    [InlineData("mysql-minimal")]
    [InlineData("postgres")]
    public async Task Enforce_StopsTheNaiveLoopAndCompletesTheSafeOne(string profile)
    {
        using var database = IncidentDatabase.Create(2);
        var replay = new Replay(ReplayArguments.Default with { Groups = 2, ProfileName = profile }, database);
        var ignore = new Progress<int>();

        var naive = await replay.NaiveAsync(ignore);
        var inFull = await replay.NaiveInFullAsync(ignore);
        var safe = await replay.SafeAsync(ignore);

        Assert.Equal(BulkSafetyRuleIds.HotRow, naive.StoppedBy?.RuleId);
        Assert.StartsWith("groups(Id=1)", naive.StoppedBy!.HotRows.Single().Row, StringComparison.Ordinal);
        Assert.True(naive.RowsLeft > 0);
        Assert.True(inFull.Completed);
        Assert.True(safe.Completed);
        Assert.Equal(0, safe.Volume.Violations);
        Assert.True(inFull.Volume.Bytes > safe.Volume.Bytes, "the per-child loop writes more log than the batched cleanup");
        Assert.True(ReplayVerdict.BehavedAsDesigned(BulkSafetyMode.Enforce, naive, safe));
    }

    [Fact]
    public async Task FullRowImages_MakeTheNaiveLoopFarCostlier()
    {
        using var database = IncidentDatabase.Create(1);
        var replay = new Replay(ReplayArguments.Default with { Groups = 1 }, database);

        var inFull = await replay.NaiveInFullAsync(new Progress<int>());
        var safe = await replay.SafeAsync(new Progress<int>());

        // Each child rewrites the group row (5–50 KB of description, again as HTML) before and after: tens of KiB per child.
        Assert.True(inFull.Volume.Bytes > 30 * safe.Volume.Bytes, $"naive {inFull.Volume.Bytes} B against safe {safe.Volume.Bytes} B");
        Assert.True(inFull.Volume.Violations > 0);
    }

    [Theory]
    [InlineData(new string[0], 6, "mysql-full", BulkSafetyMode.Enforce)]
    [InlineData(new[] { "--groups", "3", "--profile", "postgres", "--mode", "throttle" }, 3, "postgres", BulkSafetyMode.Throttle)]
    [InlineData(new[] { "--mode", "Warn" }, 6, "mysql-full", BulkSafetyMode.Warn)]
    public void Arguments_AreParsed(string[] args, int groups, string profile, BulkSafetyMode mode)
    {
        var parsed = ReplayArguments.Parse(args, out var error);

        Assert.Null(error);
        Assert.Equal(new ReplayArguments(groups, profile, mode), parsed);
    }

    [Theory]
    [InlineData(new[] { "--database", "mariadb" }, "mariadb", null)]
    [InlineData(new[] { "--database", "mariadb", "--connection", "Server=127.0.0.1;Port=3306;User ID=root" }, "mariadb", "Server=127.0.0.1;Port=3306;User ID=root")]
    [InlineData(new[] { "--database", "sqlite" }, "sqlite", null)]
    public void DatabaseArguments_AreParsed(string[] args, string database, string? connection)
    {
        var parsed = ReplayArguments.Parse(args, out var error);

        Assert.Null(error);
        Assert.Equal((database, connection), (parsed!.Database, parsed.Connection));
    }

    [Fact]
    public void TheMariaDbMode_HandsOverToTheEfCore9Sibling()
    {
        Assert.EndsWith(Path.Combine("samples", "IncidentReplay.MariaDb", "IncidentReplay.MariaDb.csproj"), MariaDbHandOff.Project, StringComparison.Ordinal);
        Assert.True(File.Exists(MariaDbHandOff.Project), MariaDbHandOff.Project);
    }

    [Fact]
    public void TheDefault_IsSqlite()
        => Assert.Equal(("sqlite", null), (ReplayArguments.Parse([], out _)!.Database, ReplayArguments.Default.Connection));

    [Theory]
    [InlineData("--database", "mysql")]
    [InlineData("--connection", "Server=127.0.0.1")]
    [InlineData("--database", "sqlite", "--connection", "Server=127.0.0.1")]
    [InlineData("--groups", "0")]
    [InlineData("--groups", "many")]
    [InlineData("--groups")]
    [InlineData("--profile", "oracle")]
    [InlineData("--mode", "1")]
    [InlineData("--fast")]
    public void BadArguments_AreExplained(params string[] args)
    {
        Assert.Null(ReplayArguments.Parse(args, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Help_IsNotAnError()
    {
        Assert.Null(ReplayArguments.Parse(["--help"], out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("mysql-full", "mysql-row-full")]
    [InlineData("mysql-minimal", "mysql-row-minimal")]
    [InlineData("postgres", "postgres-wal-replica")]
    public void ProfileNames_MapToProfiles(string name, string profile)
        => Assert.Equal(profile, (ReplayArguments.Default with { ProfileName = name }).Profile.Name);
}
