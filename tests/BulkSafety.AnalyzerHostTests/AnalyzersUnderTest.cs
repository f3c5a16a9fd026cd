using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.AnalyzerHostTests;

/// <summary>The built analyzer assemblies, loaded as a compiler loads them.</summary>
internal static class AnalyzersUnderTest
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "analyzers-under-test");

    public static string AnalyzersPath { get; } = Path.Combine(Folder, "BulkSafety.Analyzers.dll");

    private static string CodeFixesPath { get; } = Path.Combine(Folder, "BulkSafety.CodeFixes.dll");

    private static readonly CompilerLoader Loader = new();

    /// <summary>The analyzers of <paramref name="path"/> and every load failure the compiler would report (CS8032 and kin).</summary>
    public static (ImmutableArray<DiagnosticAnalyzer> Analyzers, List<AnalyzerLoadFailureEventArgs> Failures) Load(string path)
    {
        var reference = new AnalyzerFileReference(path, Loader);
        var failures = new List<AnalyzerLoadFailureEventArgs>();
        reference.AnalyzerLoadFailed += (_, failure) => failures.Add(failure);
        return (reference.GetAnalyzers(LanguageNames.CSharp), failures);
    }

    /// <summary>The exported code fix providers, found the way an IDE's MEF catalog finds them.</summary>
    public static IEnumerable<CodeFixProvider> CodeFixProviders()
        => Loader.LoadFromPath(CodeFixesPath).GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!);

    /// <summary>Microsoft.CodeAnalysis.dll 4.14 from the package folder (restored for the repository's analyzer tests).</summary>
    public static string NewerMicrosoftCodeAnalysis()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "microsoft.codeanalysis.common", "4.14.0", "lib", "netstandard2.0", "Microsoft.CodeAnalysis.dll");
        Assert.True(File.Exists(path), $"Roslyn 4.14 is not restored at {path}");
        return path;
    }

    private sealed class CompilerLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
