using System.Collections.Immutable;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// What test snippets compile against: the running .NET runtime's assemblies plus the real EF Core 10 assemblies
/// (and their Microsoft.Extensions dependencies) that this test project restores, and the BulkSafety runtime.
/// Resolved once per test run.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyRuntime = new(() => Load(RuntimeAssemblyPaths()));
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyRuntimeAndEfCoreOnly = new(() =>
        LazyRuntime.Value.AddRange(Load(EfCoreAssemblyPaths())));
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyRuntimeAndEfCore = new(() =>
        LazyRuntimeAndEfCoreOnly.Value.AddRange(Load([Path.Combine(AppContext.BaseDirectory, "BulkSafety.dll")])));

    /// <summary>The BCL only: a project that does not use EF Core.</summary>
    public static ImmutableArray<MetadataReference> Runtime => LazyRuntime.Value;

    /// <summary>The BCL, EF Core (relational + SQLite) and BulkSafety.</summary>
    public static ImmutableArray<MetadataReference> RuntimeAndEfCore => LazyRuntimeAndEfCore.Value;

    /// <summary>The BCL and EF Core without BulkSafety: a project that has the analyzers but not the runtime library.</summary>
    public static ImmutableArray<MetadataReference> RuntimeAndEfCoreOnly => LazyRuntimeAndEfCoreOnly.Value;

    /// <summary>
    /// A database provider's assemblies (e.g. <c>Microsoft.EntityFrameworkCore.SqlServer</c>, <c>Npgsql</c>), for
    /// provider-aware rules. Not in <see cref="RuntimeAndEfCore"/>: a test case opts in through
    /// <see cref="AnalyzerTestCase.AdditionalReferences"/>.
    /// </summary>
    public static ImmutableArray<MetadataReference> Provider(string assemblyPrefix)
        => Load(Directory.EnumerateFiles(AppContext.BaseDirectory, assemblyPrefix + "*.dll"));

    private static IEnumerable<string> RuntimeAssemblyPaths()
        => Directory.EnumerateFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll");

    private static IEnumerable<string> EfCoreAssemblyPaths()
        => Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(path =>
        {
            var name = Path.GetFileName(path);
            return (name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                    && !name.StartsWith("Microsoft.EntityFrameworkCore.SqlServer", StringComparison.Ordinal))
                || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal);
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
