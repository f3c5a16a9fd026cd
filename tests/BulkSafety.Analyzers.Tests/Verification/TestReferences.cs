using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// What test snippets compile against: the .NET 10 reference assemblies, resolved by the standard harness, plus the real
/// EF Core 10 assemblies (and their Microsoft.Extensions dependencies) and the BulkSafety runtime from this project's
/// output directory — the versions Directory.Packages.props pins, with no second package resolution at test time.
/// Each set is loaded once per test run, so every test shares the same metadata.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyEfCore = new(() => Load(EfCoreAssemblyPaths()));
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyBulkSafety = new(() => Load([Path.Combine(AppContext.BaseDirectory, "BulkSafety.dll")]));

    /// <summary>
    /// The .NET reference pack of the SDK that builds this project. The project's restore downloads it
    /// (<c>PackageDownload</c>), so the harness takes it from the local package folder and needs no network.
    /// </summary>
    public static ReferenceAssemblies NetCoreApp { get; } = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NETCoreAppRefVersion").Value!),
        Path.Combine("ref", "net10.0"));

    /// <summary>
    /// <see cref="NetCoreApp"/> resolved to metadata, for compilations a test builds itself (a Domain project referenced
    /// as metadata).
    /// </summary>
    public static ImmutableArray<MetadataReference> Runtime => LazyRuntime.Value;

    private static Lazy<ImmutableArray<MetadataReference>> LazyRuntime { get; } = new(() => NetCoreApp.ResolveAsync(LanguageNames.CSharp, CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>
    /// EF Core (relational, no provider: provider-aware rules then assume nothing about the database) and the
    /// Microsoft.Extensions assemblies it needs. A provider is added with <see cref="Provider"/>.
    /// </summary>
    public static ImmutableArray<MetadataReference> EfCore => LazyEfCore.Value;

    /// <summary>The BulkSafety runtime library, whose safe paths some fixes call.</summary>
    public static ImmutableArray<MetadataReference> BulkSafety => LazyBulkSafety.Value;

    /// <summary>
    /// A database provider's assemblies (e.g. <c>Microsoft.EntityFrameworkCore.SqlServer</c>, <c>Npgsql</c>), for
    /// provider-aware rules. Not in <see cref="EfCore"/>: a test case opts in through
    /// <see cref="AnalyzerTestCase.AdditionalReferences"/>.
    /// </summary>
    public static ImmutableArray<MetadataReference> Provider(string assemblyPrefix)
        => Load(Directory.EnumerateFiles(AppContext.BaseDirectory, assemblyPrefix + "*.dll"));

    private static IEnumerable<string> EfCoreAssemblyPaths()
        => Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(path =>
        {
            var name = Path.GetFileName(path);
            return (name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                    && !name.StartsWith("Microsoft.EntityFrameworkCore.SqlServer", StringComparison.Ordinal)
                    && !name.StartsWith("Microsoft.EntityFrameworkCore.Sqlite", StringComparison.Ordinal))
                || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal);
        });

    private static ImmutableArray<MetadataReference> Load(IEnumerable<string> paths)
        => paths.Where(HasMetadata).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();

    private static bool HasMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }
}
