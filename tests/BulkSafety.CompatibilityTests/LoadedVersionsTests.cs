using System.Reflection;
using System.Runtime.Versioning;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.CompatibilityTests;

/// <summary>The suite proves something about EF Core 8 and 9 only if those are what it loads: checked, not assumed.</summary>
public sealed class LoadedVersionsTests
{
    [Fact]
    public void EfCore_IsTheVersionThisTargetRestores()
        => Assert.Equal(Expected("ExpectedEfCoreVersion"), Informational(typeof(DbContext).Assembly));

    [Fact]
    public void NpgsqlProvider_IsTheVersionThisTargetRestores()
        => Assert.Equal(Expected("ExpectedNpgsqlEfVersion"), Informational(typeof(NpgsqlDbContextOptionsBuilderExtensions).Assembly));

    [Fact]
    public void BulkSafety_IsItsNet8Build()
        => Assert.Equal(".NETCoreApp,Version=v8.0", typeof(BulkSafetyOptions).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);

    private static string Expected(string key)
        => typeof(LoadedVersionsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    // "8.0.30+commit" → "8.0.30".
    private static string Informational(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
