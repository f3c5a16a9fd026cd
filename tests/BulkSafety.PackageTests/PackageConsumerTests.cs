using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace BulkSafety.PackageTests;

/// <summary>
/// Packs the real NuGet packages (BulkSafety and BulkSafety.Analyzers) and builds throwaway consumers against them, the
/// way an application adopts them: one per supported EF Core version (8 on net8.0, 9 on net9.0, 10 on net10.0) that
/// builds with BS1001 in its output and runs the guard; one that wants the analyzers only; one that references both
/// packages and must see each diagnostic once. SARIF (<c>/p:ErrorLog=...,version=2.1</c>) is how CI systems read the rules.
/// </summary>
public sealed partial class PackageConsumerTests : IClassFixture<PackageConsumerTests.PackedPackages>
{
    private readonly PackedPackages _packages;

    public PackageConsumerTests(PackedPackages packages) => _packages = packages;

    [Fact]
    public void MainPackage_HoldsTheRuntimeForEachTarget_AndDependsOnTheAnalyzersPackageWithItsAnalyzersFlowing()
    {
        using var archive = ZipFile.OpenRead(_packages.MainNupkg);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net8.0/BulkSafety.dll", entries);
        Assert.Contains("lib/net10.0/BulkSafety.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("BulkSafety.Analyzers", StringComparison.Ordinal));

        var groups = Nuspec(archive).Descendants().Where(e => e.Name.LocalName == "group").ToList();
        Assert.Equal(["net10.0", "net8.0"], groups.Select(g => (string)g.Attribute("targetFramework")!).Order(StringComparer.Ordinal));
        foreach (var group in groups)
        {
            var analyzers = Assert.Single(group.Elements(), d => (string?)d.Attribute("id") == "BulkSafety.Analyzers");
            Assert.Equal(_packages.Version, (string?)analyzers.Attribute("version"));
            Assert.Null(analyzers.Attribute("exclude"));
        }
    }

    [Fact]
    public void AnalyzersPackage_HoldsBothAnalyzerAssemblies_AndNothingElseToRun()
    {
        using var archive = ZipFile.OpenRead(_packages.AnalyzersNupkg);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("analyzers/dotnet/cs/BulkSafety.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/BulkSafety.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        Assert.DoesNotContain(Nuspec(archive).Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Theory]
    [InlineData("BulkSafety")]
    [InlineData("BulkSafety.Analyzers")]
    public void PackagedReadme_LinksOnlyToTheDocumentedAddress_AndEveryLinkedFileExists(string packageId)
    {
        using var archive = ZipFile.OpenRead(packageId == "BulkSafety" ? _packages.MainNupkg : _packages.AnalyzersNupkg);
        var nuspec = Nuspec(archive);
        Assert.Equal(PackedPackages.RepositoryUrl, nuspec.Descendants().Single(e => e.Name.LocalName == "projectUrl").Value);
        using var reader = new StreamReader(archive.GetEntry("README.md")!.Open());
        var links = MarkdownLink().Matches(reader.ReadToEnd()).Select(m => m.Groups["target"].Value).ToList();

        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            Assert.True(link.StartsWith(PackedPackages.DocsBaseUrl, StringComparison.Ordinal), $"{packageId}: '{link}' is not under {PackedPackages.DocsBaseUrl}");
            var path = Path.Combine(_packages.Repository, link[PackedPackages.DocsBaseUrl.Length..].Split('#')[0]);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{packageId}: '{link}' names {path}, which does not exist");
        }
    }

    [Theory]
    [InlineData("net8.0", "8.0.30")]
    [InlineData("net9.0", "9.0.5")]
    [InlineData("net10.0", "10.0.14")]
    public void Consumer_OnEachEfCoreVersion_BuildsWithBS1001OnTheViolationOnly_AndRunsTheGuard(string targetFramework, string efCoreVersion)
    {
        var consumer = CreateConsumer($"ef-{efCoreVersion}", targetFramework, efCoreVersion, ["BulkSafety"], GuardedProgram);

        var (output, sarifResults) = BuildWithSarif(consumer);

        AssertReportedLines(output, "warning", [LineOf(GuardedProgram, NaiveRemove)]);
        Assert.Single(sarifResults);
        var run = Run(consumer);
        Assert.Contains($"EF Core {efCoreVersion}", run, StringComparison.Ordinal);
        Assert.Contains("kept 25 groups", run, StringComparison.Ordinal);
        Assert.Contains("blocked BS9002: 150 rows", run, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("net8.0", "8.0.30")]
    [InlineData("net9.0", "9.0.5")]
    [InlineData("net10.0", "10.0.14")]
    public void Consumer_OfTheAnalyzersOnly_OnEachEfCoreVersion_GetsTheRules_AndRunsWithoutTheRuntime(string targetFramework, string efCoreVersion)
    {
        var consumer = CreateConsumer($"analyzers-only-{efCoreVersion}", targetFramework, efCoreVersion, ["BulkSafety.Analyzers"], AnalyzedProgram);

        var (output, sarifResults) = BuildWithSarif(consumer);

        AssertReportedLines(output, "warning", [LineOf(AnalyzedProgram, NaiveRemove)]);
        Assert.Single(sarifResults);
        Assert.False(File.Exists(Path.Combine(consumer, "bin", "Debug", targetFramework, "BulkSafety.dll")), "The analyzers-only package brought the runtime library.");
        Assert.Contains($"EF Core {efCoreVersion}", Run(consumer), StringComparison.Ordinal);
    }

    [Fact]
    public void Consumer_OfBothPackages_GetsEachDiagnosticOnce()
    {
        var consumer = CreateConsumer("both", "net10.0", "10.0.14", ["BulkSafety", "BulkSafety.Analyzers"], GuardedProgram);

        var (output, sarifResults) = BuildWithSarif(consumer);

        Assert.Single(sarifResults);
        Assert.DoesNotContain("CS8032", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CS8034", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Consumer_EditorConfig_SetsTheBoundAndTheSeverity()
    {
        var consumer = CreateConsumer("configured", "net10.0", "10.0.14", ["BulkSafety"], GuardedProgram, """
            root = true

            [*.cs]
            dotnet_code_quality.BS1001.small_set_max = 50
            dotnet_diagnostic.BS1001.severity = error
            """);

        var build = ChildProcess.Run("dotnet", $"build \"{consumer}\" -nologo", consumer, _packages.ChildEnvironment);

        Assert.True(build.ExitCode != 0, "An error-severity BS1001 should fail the build:\n" + build.Output);
        AssertReportedLines(build.Output, "error", [LineOf(GuardedProgram, NaiveRemove), LineOf(GuardedProgram, BoundedRemove)]);
    }

    private const string NaiveRemove = "db.Groups.Remove(db.Groups.Find(id)!)";
    private const string BoundedRemove = "db.Groups.Remove(g)";

    // The model and the cleanup the analyzers judge: BS1001 on the naive loop; the Take(100) loop is small by default.
    private const string Model = """
        public class Group
        {
            public long Id { get; set; }
            public bool IsSpam { get; set; }
        }

        public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
        {
            public DbSet<Group> Groups => Set<Group>();
        }

        public static class Cleanup
        {
            public static void Naive(ShopContext db, IEnumerable<long> ids)
            {
                foreach (var id in ids)
                    db.Groups.Remove(db.Groups.Find(id)!);
                db.SaveChanges();
            }

            public static void Bounded(ShopContext db)
            {
                foreach (var g in db.Groups.Where(g => g.IsSpam).Take(100).ToList())
                    db.Groups.Remove(g);
                db.SaveChanges();
            }
        }
        """;

    // Runs the guard on the EF Core version the consumer restored: a bounded cleanup passes, 150 inserts over a
    // 100-row budget are refused before anything is written.
    private const string GuardedProgram = """
        using BulkSafety;
        using Microsoft.Data.Sqlite;
        using Microsoft.EntityFrameworkCore;

        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var options = new DbContextOptionsBuilder<ShopContext>().UseSqlite(connection).UseBulkSafety(o => o.MaxRowsPerUnitOfWork = 100).Options;
        using var db = new ShopContext(options);
        db.Database.EnsureCreated();
        db.Groups.AddRange(Enumerable.Range(1, 50).Select(i => new Group { IsSpam = i % 2 == 0 }));
        db.SaveChanges();
        Cleanup.Bounded(db);
        Console.WriteLine($"EF Core {typeof(DbContext).Assembly.GetName().Version!.ToString(3)}: kept {db.Groups.Count()} groups");
        db.Groups.AddRange(Enumerable.Range(1, 150).Select(_ => new Group()));
        try
        {
            db.SaveChanges();
        }
        catch (BulkSafetyViolationException e)
        {
            Console.WriteLine($"blocked {e.Report.RuleId}: {e.Report.Rows} rows");
        }

        """ + Model;

    private const string AnalyzedProgram = """
        using Microsoft.EntityFrameworkCore;

        Console.WriteLine($"EF Core {typeof(DbContext).Assembly.GetName().Version!.ToString(3)}, analyzed at build time only");

        """ + Model;

    private string CreateConsumer(string name, string targetFramework, string efCoreVersion, string[] packageIds, string program, string? editorConfig = null)
    {
        var consumer = Directory.CreateDirectory(Path.Combine(_packages.WorkDirectory, name)).FullName;
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"), _packages.ConsumerNuGetConfig());
        var references = string.Join("\n    ", packageIds.Select(id => $"""<PackageReference Include="{id}" Version="{_packages.Version}" />"""));
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{{targetFramework}}</TargetFramework>
                <!-- This machine has the .NET 10 runtime only: older targets run on it as they would after an upgrade. -->
                <RollForward>Major</RollForward>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                {{references}}
                <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="{{efCoreVersion}}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), program);
        if (editorConfig is not null)
        {
            File.WriteAllText(Path.Combine(consumer, ".editorconfig"), editorConfig);
        }

        return consumer;
    }

    /// <summary>Builds the consumer with a SARIF log, as CI does; returns the build output and the log's BS1001 results.</summary>
    private (string Output, List<JsonElement> Bs1001) BuildWithSarif(string consumer)
    {
        var sarif = Path.Combine(consumer, "bulksafety.sarif");
        var build = ChildProcess.Run("dotnet", $"build \"{consumer}\" -nologo -p:ErrorLog=\"{sarif}%2Cversion=2.1\"", consumer, _packages.ChildEnvironment);
        Assert.True(build.ExitCode == 0, "The consumer did not build:\n" + build.Output);
        return (build.Output, SarifResults(sarif, "BS1001"));
    }

    /// <summary>Runs the built consumer and returns its output.</summary>
    private string Run(string consumer)
    {
        var run = ChildProcess.Run("dotnet", $"run --project \"{consumer}\" --no-build", consumer, _packages.ChildEnvironment);
        Assert.True(run.ExitCode == 0, "The consumer did not run:\n" + run.Output);
        return run.Output;
    }

    private static XElement Nuspec(ZipArchive archive)
    {
        using var stream = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XElement.Load(stream);
    }

    private static List<JsonElement> SarifResults(string sarif, string ruleId)
    {
        Assert.True(File.Exists(sarif), "No SARIF log was written: " + sarif);
        using var log = JsonDocument.Parse(File.ReadAllText(sarif));
        Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
        return log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("ruleId").GetString() == ruleId).Select(r => r.Clone()).ToList();
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

    private static string LineOf(string program, string code)
        => (program.Split('\n').ToList().FindIndex(l => l.Contains(code, StringComparison.Ordinal)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Program\.cs\((?<line>\d+),\d+\): (?<severity>warning|error) BS1001")]
    private static partial Regex ReportedBS1001();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>
    /// Both packages, packed once per test run into a temp folder with a version no earlier run used, so a package cached
    /// in the global packages folder can never stand in for this build. Removed (with their cache entries) afterwards.
    /// </summary>
    public sealed class PackedPackages : IDisposable
    {
        /// <summary>The documented addresses (BulkSafetyRepositoryUrl / BulkSafetyDocsBaseUrl in Directory.Build.props).</summary>
        public static readonly string RepositoryUrl = BuildProperty("BulkSafetyRepositoryUrl");

        public static readonly string DocsBaseUrl = BuildProperty("BulkSafetyDocsBaseUrl");

        private static readonly string[] PackageIds = ["BulkSafety", "BulkSafety.Analyzers"];

        public PackedPackages()
        {
            WorkDirectory = Directory.CreateTempSubdirectory("bulksafety-package-").FullName;
            Feed = Directory.CreateDirectory(Path.Combine(WorkDirectory, "feed")).FullName;
            Version = $"0.0.0-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
            Repository = ChildProcess.RepositoryRoot();
            foreach (var project in new[] { Path.Combine("src", "BulkSafety"), Path.Combine("analyzers", "BulkSafety.Analyzers.Package") })
            {
                var pack = ChildProcess.Run(
                    "dotnet",
                    $"pack \"{Path.Combine(Repository, project)}\" -c Release -nologo -o \"{Feed}\" -p:PackageVersion={Version}",
                    Repository,
                    ChildEnvironment);
                if (pack.ExitCode != 0)
                {
                    throw new InvalidOperationException("dotnet pack failed:\n" + pack.Output);
                }
            }

            MainNupkg = Path.Combine(Feed, $"BulkSafety.{Version}.nupkg");
            AnalyzersNupkg = Path.Combine(Feed, $"BulkSafety.Analyzers.{Version}.nupkg");
            if (!File.Exists(MainNupkg) || !File.Exists(AnalyzersNupkg))
            {
                throw new InvalidOperationException("dotnet pack did not write both packages into " + Feed);
            }
        }

        public string WorkDirectory { get; }

        public string Feed { get; }

        public string Version { get; }

        public string Repository { get; }

        public string MainNupkg { get; }

        public string AnalyzersNupkg { get; }

        public IReadOnlyDictionary<string, string> ChildEnvironment => ChildProcess.Environment;

        /// <summary>
        /// The consumer's NuGet.config: like the repository's, every package comes from the machine's default source
        /// (referred to by its key), except the BulkSafety packages, which come only from the folder the test packed into.
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
                  {string.Join("\n      ", PackageIds.Select(id => $"""<package pattern="{id}" />"""))}
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """;

        public void Dispose()
        {
            Directory.Delete(WorkDirectory, recursive: true);
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in PackageIds)
            {
                var cached = Path.Combine(packages, id.ToLowerInvariant(), Version.ToLowerInvariant());
                if (Directory.Exists(cached))
                {
                    Directory.Delete(cached, recursive: true);
                }
            }
        }

        private static string BuildProperty(string name)
            => typeof(PackedPackages).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == name).Value!;
    }
}
