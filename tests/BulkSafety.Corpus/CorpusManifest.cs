using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkSafety.Corpus;

/// <summary>One application of the corpus: its <c>app.json</c> (format in tests/corpus/README.md).</summary>
public sealed record CorpusApp(
    string Id,
    string Repository,
    string Licence,
    string LicenceCommit,
    IReadOnlyList<SourceFile> Sources,
    IReadOnlyList<CorpusProject> Projects,
    IReadOnlyList<CorpusCase> Cases)
{
    /// <summary>The folder of <c>app.json</c>, relative to the corpus root (set by the loader).</summary>
    [JsonIgnore]
    public string Directory { get; init; } = "";
}

/// <summary>A file of the public repository that the app's projects were written from, pinned to a commit.</summary>
public sealed record SourceFile(string Path, string Commit);

/// <summary>
/// One compilation, as one csproj of the application would be built: its folder's <c>.cs</c> files, the corpus
/// projects it references (as metadata), the NuGet packages it uses, and the shared frameworks it targets.
/// </summary>
public sealed record CorpusProject(
    string Name,
    string Directory,
    IReadOnlyList<string>? References,
    IReadOnlyList<string>? Packages,
    bool AspNetCore,
    bool ImplicitUsings,
    int CompileErrors);

/// <summary>
/// A labelled case: inside <see cref="Member"/> of <see cref="File"/> (relative to the project folder), rule
/// <see cref="Rule"/> should (<c>flag</c>) or should not (<c>no-flag</c>) report. <see cref="Anchor"/>, when
/// given, narrows the case to diagnostics whose first line contains it.
/// </summary>
public sealed record CorpusCase(
    string Id,
    string Rule,
    string Expect,
    string Project,
    string File,
    string Member,
    string? Anchor,
    string Provenance,
    string Source,
    string Reason)
{
    public bool ExpectsFlag => Expect switch
    {
        "flag" => true,
        "no-flag" => false,
        _ => throw new InvalidDataException($"Case {Id}: expect must be 'flag' or 'no-flag', not '{Expect}'."),
    };
}

public static class CorpusManifest
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The corpus root: tests/corpus of the repository this test runs from.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every <c>app.json</c> under the corpus root, in folder order.</summary>
    public static IReadOnlyList<CorpusApp> LoadApps()
        => System.IO.Directory.EnumerateFiles(Root, "app.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();

    private static CorpusApp Load(string path)
    {
        var app = JsonSerializer.Deserialize<CorpusApp>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
        Validate(app);
        return app with { Directory = Path.GetRelativePath(Root, Path.GetDirectoryName(path)!).Replace('\\', '/') };
    }

    /// <summary>Every case cites a pinned source file of the app and says whether it was observed there or written for the corpus.</summary>
    private static void Validate(CorpusApp app)
    {
        var pinned = app.Sources.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        var problems = app.Cases
            .Where(c => !pinned.Contains(c.Source) || c.Provenance is not ("observed" or "variant"))
            .Select(c => $"{c.Id}: source '{c.Source}' must be one of the app's pinned sources and provenance 'observed' or 'variant'")
            .Concat(app.Cases.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: duplicate case id"))
            .ToList();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{app.Id}/app.json:\n" + string.Join("\n", problems));
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "corpus");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/corpus was not found above " + AppContext.BaseDirectory);
    }
}
