using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BulkSafety.PackageTests;

/// <summary>
/// Packs the real NuGet package and builds a throwaway consumer against it: proves that one <c>PackageReference</c> to
/// BulkSafety brings the runtime library and the analyzers, that <c>dotnet build</c> prints BS1001, and that
/// <c>/p:ErrorLog=...,version=2.1</c> writes a SARIF log with it (how CI systems consume the rules).
/// </summary>
public sealed partial class PackageConsumerTests : IClassFixture<PackageConsumerTests.PackedPackage>
{
    private readonly PackedPackage _package;

    public PackageConsumerTests(PackedPackage package) => _package = package;

    [Fact]
    public void Package_HoldsTheRuntimeAndBothAnalyzerAssemblies()
    {
        using var archive = ZipFile.OpenRead(_package.NupkgPath);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("lib/net10.0/BulkSafety.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/BulkSafety.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/BulkSafety.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Analyzers", StringComparison.Ordinal));
    }

    private const string ConsumerProgram = """
        using Microsoft.EntityFrameworkCore;

        using var db = new ShopContext();
        Cleanup.Naive(db, [1, 2, 3]);
        Cleanup.Safe(db);

        public class Group
        {
            public long Id { get; set; }
            public bool IsSpam { get; set; }
        }

        public class ShopContext : DbContext
        {
            public DbSet<Group> Groups => Set<Group>();
            protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=:memory:");
        }

        public static class Cleanup
        {
            public static void Naive(ShopContext db, IEnumerable<long> ids)
            {
                foreach (var id in ids)
                    db.Groups.Remove(db.Groups.Find(id)!);
                db.SaveChanges();
            }

            public static void Safe(ShopContext db)
            {
                foreach (var g in db.Groups.Where(g => g.IsSpam).Take(100).ToList())
                    db.Groups.Remove(g);
                db.SaveChanges();
            }
        }
        """;

    private static readonly string NaiveLine = LineOf("db.Groups.Remove(db.Groups.Find(id)!)");
    private static readonly string SafeLine = LineOf("db.Groups.Remove(g)");

    [Fact]
    public void Consumer_Build_ReportsBS1001OnTheViolationOnly_AndWritesSarif()
    {
        var consumer = CreateConsumer("default", editorConfig: null);
        var sarif = Path.Combine(consumer, "bulksafety.sarif");

        var build = ChildProcess.Run("dotnet", $"build \"{consumer}\" -nologo -p:ErrorLog=\"{sarif}%2Cversion=2.1\"", consumer, _package.ChildEnvironment);

        Assert.True(build.ExitCode == 0, "The consumer did not build:\n" + build.Output);
        AssertReportedLines(build.Output, "warning", [NaiveLine]);

        Assert.True(File.Exists(sarif), "No SARIF log was written:\n" + build.Output);
        using var log = JsonDocument.Parse(File.ReadAllText(sarif));
        Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
        var results = log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("ruleId").GetString() == "BS1001").ToList();
        Assert.Single(results);
        Assert.Equal("warning", results[0].GetProperty("level").GetString());
    }

    [Fact]
    public void Consumer_EditorConfig_SetsTheBoundAndTheSeverity()
    {
        var consumer = CreateConsumer("configured", """
            root = true

            [*.cs]
            dotnet_code_quality.BS1001.small_set_max = 50
            dotnet_diagnostic.BS1001.severity = error
            """);

        var build = ChildProcess.Run("dotnet", $"build \"{consumer}\" -nologo", consumer, _package.ChildEnvironment);

        Assert.True(build.ExitCode != 0, "An error-severity BS1001 should fail the build:\n" + build.Output);
        AssertReportedLines(build.Output, "error", [NaiveLine, SafeLine]);
    }

    private string CreateConsumer(string name, string? editorConfig)
    {
        var consumer = Directory.CreateDirectory(Path.Combine(_package.WorkDirectory, name)).FullName;
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"), _package.ConsumerNuGetConfig());
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BulkSafety" Version="{{_package.Version}}" />
                <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="{{PackedPackage.EfCoreVersion}}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram);
        if (editorConfig is not null)
        {
            File.WriteAllText(Path.Combine(consumer, ".editorconfig"), editorConfig);
        }

        return consumer;
    }

    private static void AssertReportedLines(string output, string severity, string[] expectedLines)
    {
        var lines = ReportedBS1001().Matches(output)
            .Select(m => (Severity: m.Groups["severity"].Value, Line: m.Groups["line"].Value))
            .Distinct().ToList();
        Assert.True(
            lines.OrderBy(l => l.Line, StringComparer.Ordinal).SequenceEqual(expectedLines.Order(StringComparer.Ordinal).Select(l => (severity, l))),
            $"Expected '{severity} BS1001' on Program.cs lines [{string.Join(", ", expectedLines)}] only, got [{string.Join(", ", lines)}]:\n{output}");
    }

    private static string LineOf(string code)
        => (ConsumerProgram.Split('\n').ToList().FindIndex(l => l.Contains(code, StringComparison.Ordinal)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Program\.cs\((?<line>\d+),\d+\): (?<severity>warning|error) BS1001")]
    private static partial Regex ReportedBS1001();

    /// <summary>
    /// The package, packed once per test run into a temp folder with a version no earlier run used, so a package cached
    /// in the global packages folder can never stand in for this build. Removed (with its cache entry) afterwards.
    /// </summary>
    public sealed class PackedPackage : IDisposable
    {
        internal const string EfCoreVersion = "10.0.14";

        public PackedPackage()
        {
            WorkDirectory = Directory.CreateTempSubdirectory("bulksafety-package-").FullName;
            Feed = Directory.CreateDirectory(Path.Combine(WorkDirectory, "feed")).FullName;
            Version = $"0.0.0-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
            var repository = ChildProcess.RepositoryRoot();
            var pack = ChildProcess.Run(
                "dotnet",
                $"pack \"{Path.Combine(repository, "src", "BulkSafety")}\" -c Release -nologo -o \"{Feed}\" -p:PackageVersion={Version}",
                repository,
                ChildEnvironment);
            NupkgPath = Path.Combine(Feed, $"BulkSafety.{Version}.nupkg");
            if (pack.ExitCode != 0 || !File.Exists(NupkgPath))
            {
                throw new InvalidOperationException("dotnet pack failed:\n" + pack.Output);
            }
        }

        public string WorkDirectory { get; }

        public string Feed { get; }

        public string Version { get; }

        public string NupkgPath { get; }

        public IReadOnlyDictionary<string, string> ChildEnvironment => ChildProcess.Environment;

        /// <summary>
        /// The consumer's NuGet.config: like the repository's, every package comes from the machine's default source
        /// (referred to by its key), except BulkSafety, which comes only from the folder the test packed into.
        /// </summary>
        public string ConsumerNuGetConfig() => $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="bulksafety-test-feed" value="{Feed}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
                <packageSource key="bulksafety-test-feed">
                  <package pattern="BulkSafety" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """;

        public void Dispose()
        {
            Directory.Delete(WorkDirectory, recursive: true);
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var cached = Path.Combine(packages, "bulksafety", Version.ToLowerInvariant());
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }
}
