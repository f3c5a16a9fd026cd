using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace BulkSafety.Corpus;

/// <summary>A corpus project compiled as its csproj would be, with what the report needs about it.</summary>
public sealed record CompiledProject(
    CorpusApp App,
    CorpusProject Project,
    CSharpCompilation Compilation,
    int FileCount,
    int LineCount,
    IReadOnlyList<Diagnostic> Errors);

/// <summary>
/// Compiles corpus projects the way a build does: one compilation per project, referenced corpus projects as
/// metadata (their reference assembly, emitted in memory), NuGet packages as the assemblies this test project
/// restored for them, and the .NET (and, for web projects, ASP.NET Core) shared framework.
/// </summary>
public static class CorpusCompiler
{
    private static readonly string PackageDirectory = AppContext.BaseDirectory;
    private static readonly string RuntimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
    private static readonly string AspNetCoreDirectory = Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location)!;

    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] WebImplicitUsings =
    [
        "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Compiles the app's projects, each after the corpus projects it references.</summary>
    public static IReadOnlyList<CompiledProject> CompileApp(CorpusApp app)
    {
        var images = new Dictionary<string, MetadataReference>(StringComparer.Ordinal);
        var compiled = new List<CompiledProject>();
        foreach (var project in InBuildOrder(app))
        {
            var directory = Path.Combine(CorpusManifest.Root, app.Directory, project.Directory);
            var files = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), ParseOptions, path: CorpusPath(f))).ToList();
            if (project.ImplicitUsings)
            {
                var usings = project.AspNetCore ? ImplicitUsings.Concat(WebImplicitUsings) : ImplicitUsings;
                trees.Add(CSharpSyntaxTree.ParseText(string.Concat(usings.Select(u => $"global using global::{u};\n")), ParseOptions, path: $"{app.Directory}/{project.Directory}/obj/GlobalUsings.g.cs"));
            }

            var references = FrameworkReferences(project.AspNetCore)
                .Concat(PackageReferences(project.Packages ?? []))
                .Concat((project.References ?? []).Select(r => images[r]));
            var compilation = CSharpCompilation.Create(
                project.Name,
                trees,
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count == 0)
            {
                images[project.Name] = EmitReferenceAssembly(compilation);
            }

            compiled.Add(new CompiledProject(app, project, compilation, files.Count, files.Sum(f => File.ReadLines(f).Count()), errors));
        }

        return compiled;
    }

    /// <summary>The path diagnostics carry: relative to the corpus root, with forward slashes.</summary>
    private static string CorpusPath(string file) => Path.GetRelativePath(CorpusManifest.Root, file).Replace('\\', '/');

    private static IEnumerable<CorpusProject> InBuildOrder(CorpusApp app)
    {
        var byName = app.Projects.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var ordered = new List<CorpusProject>();
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        void Visit(CorpusProject project)
        {
            if (ordered.Contains(project))
            {
                return;
            }

            if (!visiting.Add(project.Name))
            {
                throw new InvalidDataException($"{app.Id}: project references form a cycle through {project.Name}.");
            }

            foreach (var reference in project.References ?? [])
            {
                Visit(byName.TryGetValue(reference, out var referenced)
                    ? referenced
                    : throw new InvalidDataException($"{app.Id}: {project.Name} references unknown project {reference}."));
            }

            ordered.Add(project);
        }

        foreach (var project in app.Projects)
        {
            Visit(project);
        }

        return ordered;
    }

    private static MetadataReference EmitReferenceAssembly(CSharpCompilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream, options: new EmitOptions(metadataOnly: true));
        if (!result.Success)
        {
            throw new InvalidOperationException($"{compilation.AssemblyName} compiled without errors but did not emit: {string.Join("; ", result.Diagnostics)}");
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static IEnumerable<MetadataReference> FrameworkReferences(bool aspNetCore)
        => (aspNetCore ? RuntimeAssemblies.Value.Concat(AspNetCoreAssemblies.Value) : RuntimeAssemblies.Value);

    private static readonly Lazy<ImmutableArray<MetadataReference>> RuntimeAssemblies = new(() => LoadDirectory(RuntimeDirectory));
    private static readonly Lazy<ImmutableArray<MetadataReference>> AspNetCoreAssemblies = new(() => LoadDirectory(AspNetCoreDirectory));

    private static ImmutableArray<MetadataReference> LoadDirectory(string directory)
        => Directory.EnumerateFiles(directory, "*.dll").Where(HasMetadata).Order(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();

    /// <summary>
    /// Each package's assembly (a package's id is its main assembly's name) and, transitively, the assemblies it
    /// references that were restored beside it; what it references from the shared frameworks is already there.
    /// </summary>
    private static IEnumerable<MetadataReference> PackageReferences(IReadOnlyList<string> packages)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(packages);
        while (pending.TryDequeue(out var name))
        {
            var path = PackageAssemblyPath(name);
            if (path is null)
            {
                if (packages.Contains(name))
                {
                    throw new InvalidDataException($"Package {name} is not restored by BulkSafety.Corpus.csproj; add it there.");
                }

                continue;
            }

            if (!found.Add(path))
            {
                continue;
            }

            foreach (var referenced in ReferencedAssemblyNames(path))
            {
                pending.Enqueue(referenced);
            }
        }

        return found.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
    }

    /// <summary>
    /// Where a package assembly was restored: beside this test, or (for the Microsoft.Extensions packages that the
    /// ASP.NET Core shared framework also carries, which the SDK then does not copy) in that framework. Null for
    /// the .NET runtime's own assemblies, which every project references already.
    /// </summary>
    private static string? PackageAssemblyPath(string name)
    {
        if (File.Exists(Path.Combine(RuntimeDirectory, name + ".dll")))
        {
            return null;
        }

        return new[] { PackageDirectory, AspNetCoreDirectory }.Select(d => Path.Combine(d, name + ".dll")).FirstOrDefault(File.Exists);
    }

    private static IEnumerable<string> ReferencedAssemblyNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        var metadata = reader.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
    }

    private static bool HasMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }
}
