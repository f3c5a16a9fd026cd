using System.Collections.Immutable;
using System.Composition;
using System.Reflection;
using System.Text.RegularExpressions;
using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Tests.Conventions;

/// <summary>
/// Conventions every rule keeps, checked over each descriptor that an analyzer in the analyzer assembly supports (found by
/// reflection, so a new rule is checked without touching this file): IDs, ranges, help links and rule pages, options,
/// release tracking, titles and descriptions; and the shape of analyzers and code fixes.
/// </summary>
public sealed partial class DescriptorConventionsTests
{
    private static readonly ImmutableDictionary<string, int> CategoryRanges = new Dictionary<string, int>
    {
        [Descriptors.Categories.BulkWrites] = 1,
        [Descriptors.Categories.WriteAmplification] = 2,
        [Descriptors.Categories.Schema] = 3,
    }.ToImmutableDictionary();

    private static readonly Lazy<IReadOnlyList<(Type Analyzer, DiagnosticDescriptor Descriptor)>> Supported = new(() =>
        typeof(Descriptors).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics.Select(d => (t, d)))
            .ToList());

    private static readonly Lazy<string> RepositoryRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BulkSafety.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with BulkSafety.sln) is not above " + AppContext.BaseDirectory);
    });

    public static TheoryData<string> SupportedIds => new(Supported.Value.Select(s => s.Descriptor.Id).Distinct().Order(StringComparer.Ordinal));

    private static DiagnosticDescriptor Descriptor(string id) => Supported.Value.First(s => s.Descriptor.Id == id).Descriptor;

    [Fact]
    public void AnalyzerAssembly_SupportsTheLoopRules()
        => Assert.Superset(new HashSet<string> { "BS1001", "BS1002", "BS1003" }, Supported.Value.Select(s => s.Descriptor.Id).ToHashSet());

    [Fact]
    public void Ids_AreUnique_OneDescriptorPerId()
    {
        foreach (var group in Supported.Value.GroupBy(s => s.Descriptor.Id))
        {
            Assert.Single(group.Select(s => s.Descriptor).Distinct());
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void Id_IsInTheRangeOfItsCategory(string id)
    {
        var descriptor = Descriptor(id);

        Assert.Matches(IdPattern(), id);
        Assert.True(CategoryRanges.TryGetValue(descriptor.Category, out var thousands), $"{id}: unknown category {descriptor.Category}");
        Assert.Equal(thousands, id[2] - '0');
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void HelpLink_IsTheRulePage_AndThePageExistsWithTheHouseSections(string id)
    {
        var descriptor = Descriptor(id);
        var page = Path.Combine(RepositoryRoot.Value, "docs", "rules", id + ".md");

        var docsBase = typeof(DescriptorConventionsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BulkSafetyDocsBaseUrl").Value;
        Assert.StartsWith("https://", docsBase, StringComparison.Ordinal);
        Assert.Equal(docsBase + "docs/rules/" + id + ".md", descriptor.HelpLinkUri);
        Assert.True(File.Exists(page), $"{id}: {page} does not exist");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        foreach (var section in new[] { "## Cause", "## Why it matters", "## How to fix", "## Violates", "## Does not violate", "## Configuration", "## When to suppress", "## Related rules" })
        {
            Assert.Contains("\n" + section + "\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void Readmes_ListTheRuleAtItsDefaultSeverity_AndShowHowToRaiseAnInfoRule(string id)
    {
        var descriptor = Descriptor(id);
        foreach (var readme in new[] { "README.md", Path.Combine("analyzers", "README.md") })
        {
            var text = File.ReadAllText(Path.Combine(RepositoryRoot.Value, readme));
            var row = Regex.Match(text, $@"^\| \[{id}\]\([^)]*\) \| (?<severity>\w+) \|", RegexOptions.Multiline);

            Assert.True(row.Success, $"{readme} has no rules-table row for {id}");
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Groups["severity"].Value);
            if (descriptor.DefaultSeverity < DiagnosticSeverity.Warning)
            {
                Assert.Contains($"dotnet_diagnostic.{id}.severity = warning", text, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void RulePage_DocumentsEveryOptionTheAnalyzerReads_AndTheSeverityKey(string id)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Value, "docs", "rules", id + ".md"));
        var options = Supported.Value.Where(s => s.Descriptor.Id == id)
            .SelectMany(s => s.Analyzer.GetCustomAttributes<ReadsOptionAttribute>())
            .Select(a => $"dotnet_code_quality.{id}.{a.Name}");

        foreach (var key in options.Append($"dotnet_diagnostic.{id}.severity"))
        {
            Assert.Contains(key, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void ReleaseTracking_ListsTheIdWithItsCategoryAndSeverity(string id)
    {
        var descriptor = Descriptor(id);
        var unshipped = File.ReadAllLines(Path.Combine(RepositoryRoot.Value, "analyzers", "BulkSafety.Analyzers", "AnalyzerReleases.Unshipped.md"));
        var row = unshipped.Select(line => line.Split('|', StringSplitOptions.TrimEntries)).SingleOrDefault(cells => cells[0] == id);

        Assert.True(row is not null, $"{id} is not in AnalyzerReleases.Unshipped.md");
        Assert.Equal(descriptor.Category, row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
    }

    [Theory]
    [MemberData(nameof(SupportedIds))]
    public void TitleMessageAndDescription_AreWrittenOut(string id)
    {
        var descriptor = Descriptor(id);
        var title = descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(string.IsNullOrWhiteSpace(title));
        Assert.False(title.EndsWith('.'), $"{id}: the title ends with a period");
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{id}: empty description");
        Assert.True(descriptor.IsEnabledByDefault);
    }

    [Fact]
    public void Analyzers_AreSealedCSharpAnalyzers()
    {
        foreach (var analyzer in Supported.Value.Select(s => s.Analyzer).Distinct())
        {
            Assert.True(analyzer.IsSealed, $"{analyzer.Name} is not sealed");
            Assert.Contains(LanguageNames.CSharp, analyzer.GetCustomAttribute<DiagnosticAnalyzerAttribute>()?.Languages ?? []);
            Assert.EndsWith("Analyzer", analyzer.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Analyzers_ShareTheSkeleton_WhoseInitializeIsSealed()
    {
        foreach (var analyzer in Supported.Value.Select(s => s.Analyzer).Distinct())
        {
            Assert.True(typeof(EfCoreAnalyzer).IsAssignableFrom(analyzer), $"{analyzer.Name} does not derive from {nameof(EfCoreAnalyzer)}");
        }

        Assert.True(typeof(EfCoreAnalyzer).GetMethod(nameof(DiagnosticAnalyzer.Initialize))!.IsFinal, "EfCoreAnalyzer.Initialize is not sealed");
    }

    [Fact]
    public void CodeFixes_AreSealedExportedBatchFixers_ForSupportedIds_WithPublicKeys()
    {
        var fixes = typeof(PerEntityDeleteLoopCodeFix).Assembly.GetTypes().Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        var ids = Supported.Value.Select(s => s.Descriptor.Id).ToHashSet();

        Assert.NotEmpty(fixes);
        foreach (var fix in fixes)
        {
            var provider = (CodeFixProvider)Activator.CreateInstance(fix)!;
            Assert.True(fix.IsSealed, $"{fix.Name} is not sealed");
            Assert.NotNull(fix.GetCustomAttribute<ExportCodeFixProviderAttribute>());
            Assert.NotNull(fix.GetCustomAttribute<SharedAttribute>());
            Assert.Same(WellKnownFixAllProviders.BatchFixer, provider.GetFixAllProvider());
            Assert.Subset(ids, provider.FixableDiagnosticIds.ToHashSet());
            var keys = fix.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("EquivalenceKey", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, key => Assert.Contains(provider.FixableDiagnosticIds, id => ((string)key.GetRawConstantValue()!).StartsWith(id + ".", StringComparison.Ordinal)));
        }
    }

    [GeneratedRegex("^BS[1-9][0-9]{3}$")]
    private static partial Regex IdPattern();
}
