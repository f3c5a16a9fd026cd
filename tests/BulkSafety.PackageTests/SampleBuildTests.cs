using System.Reflection;
using System.Text.RegularExpressions;

namespace BulkSafety.PackageTests;

/// <summary>
/// What samples/PatternGallery/README.md promises a newcomer: <c>dotnet build samples/PatternGallery</c> prints every
/// rule's warning on the naive versions of the patterns, and nothing on the safe versions; and what samples/Layered
/// promises: the diagnostics that depend on entities, mappings and wrappers living in different projects.
/// </summary>
public sealed partial class SampleBuildTests
{
    [Fact]
    public void PatternGallery_Build_PrintsEachRuleOnTheNaiveVersionsOnly()
    {
        // The sample and the analyzers are built with this project (a project reference); recompiling the sample alone
        // makes the compiler report its diagnostics again without rebuilding what other test projects have loaded.
        var configuration = typeof(SampleBuildTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var (exitCode, output) = ChildProcess.Run(
            "dotnet",
            $"build samples/PatternGallery/PatternGallery.csproj -c {configuration} --no-dependencies --no-incremental -nologo",
            ChildProcess.RepositoryRoot(),
            ChildProcess.Environment);

        Assert.True(exitCode == 0, output);
        // MSBuild prints each warning twice (as it happens and in the summary): one per place.
        var reported = ReportedDiagnostic().Matches(output)
            .DistinctBy(m => m.Value)
            .Select(m => $"{m.Groups["file"].Value} {m.Groups["id"].Value}")
            .Order(StringComparer.Ordinal);
        string[] expected =
        [
            "IncidentModel/Group.cs BS2001",            // Group.Posts: cascade, counter and touch
            "IncidentModel/Group.cs BS3001",            // Description
            "IncidentModel/Group.cs BS3001",            // DescriptionHtml
            "IncidentModel/IncidentContext.cs BS2001",  // Memberships, configured fluently
            "Patterns/DeleteLoops.cs BS1001",           // posts of a navigation collection
            "Patterns/DeleteLoops.cs BS1001",           // groups by caller-supplied ids
            "Patterns/GroupCleanup.cs BS1001",
            "Patterns/GroupCleanup.cs BS1002",
            "Patterns/GroupCleanup.cs BS2002",
            "Patterns/SaveLoops.cs BS1002",
            "Patterns/UpdateLoops.cs BS1003",
        ];
        Assert.True(reported.SequenceEqual(expected), $"Expected:\n{string.Join('\n', expected)}\nReported:\n{string.Join('\n', reported)}\n\n{output}");
    }

    [Fact]
    public void Layered_Build_ReportsEachCrossProjectDiagnosticAtItsLine()
    {
        // Domain, Infrastructure and App are built with this project; each is recompiled alone, in dependency order, so
        // that the compiler reports its diagnostics again (see above).
        var configuration = typeof(SampleBuildTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var output = new System.Text.StringBuilder();
        foreach (var project in new[] { "Domain/Domain.csproj", "Infrastructure/Infrastructure.csproj", "App/App.csproj" })
        {
            var (exitCode, projectOutput) = ChildProcess.Run(
                "dotnet",
                $"build samples/Layered/{project} -c {configuration} --no-dependencies --no-incremental -nologo",
                ChildProcess.RepositoryRoot(),
                ChildProcess.Environment);
            Assert.True(exitCode == 0, projectOutput);
            output.Append(projectOutput);
        }

        var reported = LayeredDiagnostic().Matches(output.ToString())
            .Select(m => $"{m.Groups["file"].Value}:{m.Groups["line"].Value} {m.Groups["id"].Value}")
            .Distinct()
            .Order(StringComparer.Ordinal);
        string[] expected =
        [
            "App/SpamCleanup.cs:13 BS1001",                     // posts.Remove(post): a repository's Remove named in App/.editorconfig
            "App/SpamCleanup.cs:14 BS1002",                     // unitOfWork.CommitAsync(): a save named in App/.editorconfig
            "Infrastructure/ForumContext.cs:11 BS3002",         // DbSet<Post> Posts: Post.Body, declared in Domain
            "Infrastructure/GroupConfiguration.cs:12 BS3001",   // Property(g => g.Description): Group is rewritten per post
            "Infrastructure/GroupConfiguration.cs:13 BS2001",   // HasMany(g => g.Posts): entities in Domain, bookkeeping in ForumContext
        ];
        Assert.True(reported.SequenceEqual(expected), $"Expected:\n{string.Join('\n', expected)}\nReported:\n{string.Join('\n', reported)}\n\n{output}");
    }

    [GeneratedRegex(@"PatternGallery/(?<file>[\w/]+\.cs)\(\d+,\d+\): warning (?<id>BS\d{4})")]
    private static partial Regex ReportedDiagnostic();

    [GeneratedRegex(@"samples/Layered/(?<file>[\w/]+\.cs)\((?<line>\d+),\d+\): warning (?<id>BS\d{4})")]
    private static partial Regex LayeredDiagnostic();
}
