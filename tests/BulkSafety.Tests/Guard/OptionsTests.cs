using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkSafety.Tests.Guard;

/// <summary>Invalid options fail where they are configured, naming the option.</summary>
public sealed class OptionsTests
{
    public static TheoryData<string, Action<BulkSafetyOptions>> InvalidOptions => new()
    {
        { nameof(BulkSafetyOptions.LogUnitsOfWorkFromBytes), o => o.LogUnitsOfWorkFromBytes = -1 },
        { nameof(BulkSafetyOptions.MaxBytesPerUnitOfWork), o => o.MaxBytesPerUnitOfWork = -1 },
        { nameof(BulkSafetyOptions.MaxBytesPerUnitOfWork), o => o.MaxBytesPerUnitOfWork = 0 },
        { nameof(BulkSafetyOptions.MaxRowsPerUnitOfWork), o => o.MaxRowsPerUnitOfWork = -5 },
        { nameof(BulkSafetyOptions.MaxBytesPerMinute), o => o.MaxBytesPerMinute = -1 },
        { nameof(BulkSafetyOptions.MaxRewritesPerRowPerMinute), o => o.MaxRewritesPerRowPerMinute = 0 },
        { nameof(BulkSafetyOptions.MaxTableFraction), o => o.MaxTableFraction = 0 },
        { nameof(BulkSafetyOptions.MaxTableFraction), o => o.MaxTableFraction = 1.5 },
        { nameof(BulkSafetyOptions.MaxTableFraction), o => o.MaxTableFraction = double.NaN },
        { nameof(BulkSafetyOptions.MinTableRowsForFraction), o => o.MinTableRowsForFraction = -1 },
        { nameof(BulkSafetyOptions.Mode), o => o.Mode = (BulkSafetyMode)42 },
        { nameof(BulkSafetyOptions.OnUnknown), o => o.OnUnknown = (UnknownCostPolicy)42 },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void UseBulkSafety_RejectsInvalidOptions(string option, Action<BulkSafetyOptions> configure)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new DbContextOptionsBuilder().UseBulkSafety(configure));

        Assert.Equal(option, error.ParamName);
        Assert.Contains($"BulkSafetyOptions.{option}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void AddBulkSafety_RejectsInvalidOptions(string option, Action<BulkSafetyOptions> configure)
        => Assert.Equal(option, Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddBulkSafety(configure)).ParamName);

    [Fact]
    public void Defaults_AreValidAndDocumented()
    {
        var options = new BulkSafetyOptions();

        new DbContextOptionsBuilder().UseBulkSafety();
        Assert.Null(options.Profile);
        Assert.Equal(1024L * 1024, options.LogUnitsOfWorkFromBytes);
        Assert.Equal(16L * 1024 * 1024, options.MaxBytesPerUnitOfWork);
        Assert.Equal(10_000, options.MaxRowsPerUnitOfWork);
        Assert.Equal(128L * 1024 * 1024, options.MaxBytesPerMinute);
        Assert.Equal(120, options.MaxRewritesPerRowPerMinute);
        Assert.Equal(0.5, options.MaxTableFraction);
        Assert.Equal(BulkSafetyMode.Enforce, options.Mode);
        Assert.Equal(UnknownCostPolicy.AssumeConservative, options.OnUnknown);
    }

    [Fact]
    public void Boundaries_AreAccepted()
        => new DbContextOptionsBuilder().UseBulkSafety(o =>
        {
            o.MaxTableFraction = 1;
            o.MaxBytesPerUnitOfWork = 1;
            o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full);
        });

    [Fact]
    public void OptionsChangedAfterConfiguration_DoNotReachTheGuard()
    {
        BulkSafetyOptions? captured = null;
        var builder = new DbContextOptionsBuilder<IncidentReplay.Model.IncidentContext>()
            .UseSqlite("Data Source=:memory:")
            .UseBulkSafety(o =>
            {
                o.MaxRowsPerUnitOfWork = 1;
                captured = o;
            });
        captured!.MaxRowsPerUnitOfWork = 1_000;
        using var context = new IncidentReplay.Model.IncidentContext(builder.Options);
        context.Groups.AddRange(new IncidentReplay.Model.Group { Name = "a", Description = "" }, new IncidentReplay.Model.Group { Name = "b", Description = "" });

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, context.EstimatePendingChanges().RuleId);
    }

    [Fact]
    public void MySqlSettings_RejectInvalidValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlBinlogSettings { RowEventMaxSize = 10 });
        Assert.ThrowsAny<ArgumentException>(() => new MySqlBinlogSettings { DatabaseName = " " });
    }
}
