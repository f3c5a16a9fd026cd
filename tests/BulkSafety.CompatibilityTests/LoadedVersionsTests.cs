using System.Diagnostics;
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
    public void PomeloProvider_IsTheVersionThisTargetRestores()
        => Assert.Equal(Expected("ExpectedPomeloVersion"), Informational(typeof(MySqlDbContextOptionsBuilderExtensions).Assembly));

    /// <summary>
    /// Every EF Core assembly beside the tests is the one EF Core version of this target: a provider that pulled in
    /// another major (NU1608 is only a warning, so restore would not stop a mixed EF 9/10 graph) fails here.
    /// </summary>
    [Fact]
    public void EveryEfCoreAssemblyInTheOutput_IsThisTargetsEfCore()
    {
        var efCore = Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.EntityFrameworkCore*.dll")
            .Select(path => (Name: Path.GetFileName(path), Version: FileVersionInfo.GetVersionInfo(path).ProductVersion!.Split('+')[0]))
            .ToList();

        Assert.Contains(efCore, assembly => assembly.Name == "Microsoft.EntityFrameworkCore.Relational.dll");
        Assert.All(efCore, assembly => Assert.Equal((assembly.Name, Expected("ExpectedEfCoreVersion")), assembly));
    }

    [Fact]
    public void BulkSafety_IsItsNet8Build()
        => Assert.Equal(".NETCoreApp,Version=v8.0", typeof(BulkSafetyOptions).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);

    private static string Expected(string key)
        => typeof(LoadedVersionsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    // "8.0.30+commit" → "8.0.30".
    private static string Informational(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
