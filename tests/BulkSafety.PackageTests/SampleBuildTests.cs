using System.Reflection;
using System.Text.RegularExpressions;

namespace BulkSafety.PackageTests;

/// <summary>
/// What samples/PatternGallery/README.md promises a newcomer: <c>dotnet build samples/PatternGallery</c> prints every
/// rule's warning on the naive versions of the patterns, and nothing on the safe versions.
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

    [GeneratedRegex(@"PatternGallery/(?<file>[\w/]+\.cs)\(\d+,\d+\): warning (?<id>BS\d{4})")]
    private static partial Regex ReportedDiagnostic();
}
