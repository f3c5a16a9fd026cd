using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BulkSafety.Analyzers;
using BulkSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Benchmarks.Analyzers;

/// <summary>
/// What BulkSafety's analyzers add to compiling a large EF Core codebase (see docs/performance.md). Each operation
/// compiles a fresh copy of the same compilation (syntax trees parsed once, in setup): the compiler's own diagnostics
/// (binding every method), a full emit, the analyzer driver with an analyzer that registers nothing, the driver with an
/// analyzer that registers the same syntax actions as the rules but returns at once (the dispatch cost every syntax or
/// operation analyzer in a build shares, the SDK's CA rules included), the driver with the three loop analyzers, with
/// every BulkSafety rule, and — as in a .NET SDK build, where CA2016 asks for the operation tree of every invocation — with
/// an analyzer that registers a no-op operation action, alone and beside every rule. Time is process CPU time
/// (<see cref="ProcessCpuTimeConfig"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ProcessCpuTimeConfig))]
public class AnalyzerOverheadBenchmarks
{
    /// <summary>Set to a folder to also write the generated codebase there as a project (for <c>dotnet build -p:ReportAnalyzer=true</c>).</summary>
    public const string WriteProjectVariable = "BULKSAFETY_BENCHMARK_PROJECT_DIR";

    /// <summary>Set to a number of forums (default 10); 0 generates a codebase with no bookkeeping for the model rules to find.</summary>
    public const string ForumsVariable = "BULKSAFETY_BENCHMARK_FORUMS";

    private const int Entities = 60;
    private const int ServicesPerEntity = 6;
    private static readonly int Forums = int.TryParse(Environment.GetEnvironmentVariable(ForumsVariable), out var forums) ? forums : 10;

    private CSharpCompilation _compilation = null!;
    private AnalyzerOptions _analyzerOptions = null!;
    private ImmutableArray<DiagnosticAnalyzer> _empty;
    private ImmutableArray<DiagnosticAnalyzer> _noOpSyntax;
    private ImmutableArray<DiagnosticAnalyzer> _loopRules;
    private ImmutableArray<DiagnosticAnalyzer> _allRules;
    private ImmutableArray<DiagnosticAnalyzer> _noOpOperation;
    private ImmutableArray<DiagnosticAnalyzer> _noOpOperationAndAllRules;

    [GlobalSetup]
    public void Setup()
    {
        var codebase = GeneratedEfCodebase.Create(Entities, ServicesPerEntity, Forums);
        if (codebase.LineCount < 50_000)
        {
            throw new InvalidOperationException($"The generated codebase has {codebase.LineCount} lines; the benchmark needs at least 50,000.");
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = codebase.Files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, path: f.Name))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, parseOptions, path: "GlobalUsings.cs"));
        _compilation = CSharpCompilation.Create(
            "Generated",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _analyzerOptions = new AnalyzerOptions([]);
        _empty = [new BaselineAnalyzer("EMPTY01", _ => { })];
        _noOpSyntax = [new BaselineAnalyzer("NOOP01", c => c.RegisterSyntaxNodeAction(_ => { }, SyntaxKind.InvocationExpression, SyntaxKind.ForEachStatement, SyntaxKind.ForEachVariableStatement))];
        _loopRules = [new PerEntityDeleteLoopAnalyzer(), new SaveChangesInLoopAnalyzer(), new PerEntityUpdateLoopAnalyzer()];
        _allRules = [.. _loopRules, new CascadeWriteAmplificationAnalyzer(), new ParentRewrittenPerChildAnalyzer(), new UnboundedColumnAnalyzer()];
        _noOpOperation = [new BaselineAnalyzer("NOOP02", c => c.RegisterOperationAction(_ => { }, OperationKind.Invocation))];
        _noOpOperationAndAllRules = [.. _noOpOperation, .. _allRules];

        // Sanity: the codebase compiles, and the rules find exactly the planted patterns — no more, no less.
        var errors = _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The generated codebase does not compile:\n" + string.Join("\n", errors.Take(20)));
        }

        var expected = new Dictionary<string, int>
        {
            [DiagnosticIds.PerEntityDeleteLoop] = codebase.ServicesWithPatterns,
            [DiagnosticIds.SaveChangesInLoop] = codebase.ServicesWithPatterns,
            [DiagnosticIds.PerEntityUpdateLoop] = codebase.ServicesWithPatterns,
            [DiagnosticIds.CascadeWriteAmplification] = codebase.Forums,
            [DiagnosticIds.ParentRewrittenPerChild] = codebase.Forums,
            [DiagnosticIds.UnboundedColumnOnHotRow] = codebase.Forums,
            [DiagnosticIds.UnboundedColumn] = codebase.Forums,
        };
        expected = expected.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);
        var found = RunAnalyzers(_allRules).Where(d => !d.Id.StartsWith("CS", StringComparison.Ordinal)).GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
        if (!found.OrderBy(p => p.Key).SequenceEqual(expected.OrderBy(p => p.Key)))
        {
            throw new InvalidOperationException($"Expected {Describe(expected)}; found {Describe(found)}.");
        }

        Console.WriteLine($"// Generated codebase: {codebase.Files.Count} files, {codebase.LineCount:N0} lines; diagnostics as expected: {Describe(found)}.");
        if (Environment.GetEnvironmentVariable(WriteProjectVariable) is { Length: > 0 } directory)
        {
            WriteProject(codebase, directory);
        }
    }

    [Benchmark(Baseline = true, Description = "Compiler diagnostics (bind all)")]
    public int CompilerDiagnostics() => _compilation.Clone().GetDiagnostics().Length;

    [Benchmark(Description = "Emit (full compile, no analyzers)")]
    public bool Emit() => _compilation.Clone().Emit(Stream.Null).Success;

    [Benchmark(Description = "Analyzer driver + EmptyAnalyzer")]
    public int EmptyAnalyzerDiagnostics() => RunAnalyzers(_empty).Length;

    [Benchmark(Description = "Analyzer driver + no-op syntax actions")]
    public int NoOpSyntaxAnalyzerDiagnostics() => RunAnalyzers(_noOpSyntax).Length;

    [Benchmark(Description = "Analyzer driver + BS1001-BS1003")]
    public int LoopRulesDiagnostics() => RunAnalyzers(_loopRules).Length;

    [Benchmark(Description = "Analyzer driver + all BulkSafety rules")]
    public int AllRulesDiagnostics() => RunAnalyzers(_allRules).Length;

    [Benchmark(Description = "Analyzer driver + no-op operation action")]
    public int NoOpOperationDiagnostics() => RunAnalyzers(_noOpOperation).Length;

    [Benchmark(Description = "Analyzer driver + no-op operation action + all BulkSafety rules")]
    public int NoOpOperationAndAllRulesDiagnostics() => RunAnalyzers(_noOpOperationAndAllRules).Length;

    private static string Describe(Dictionary<string, int> counts)
        => string.Join(", ", counts.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key}"));

    private ImmutableArray<Diagnostic> RunAnalyzers(ImmutableArray<DiagnosticAnalyzer> analyzers)
        => _compilation.Clone()
            .WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(_analyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false))
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static IEnumerable<MetadataReference> References()
    {
        var runtime = Directory.EnumerateFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll");
        var efCore = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(path =>
        {
            var name = Path.GetFileName(path);
            return name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal);
        });
        return runtime.Concat(efCore).Where(HasMetadata).Select(path => MetadataReference.CreateFromFile(path));
    }

    private static bool HasMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.HasMetadata;
    }

    // The same codebase as a project that loads the analyzers the way a package consumer does.
    private static void WriteProject(GeneratedEfCodebase codebase, string directory)
    {
        foreach (var (name, text) in codebase.Files.Append(("GlobalUsings.cs", GlobalUsings)))
        {
            var path = Path.Combine(directory, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        File.WriteAllText(Path.Combine(directory, "Generated.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.EntityFrameworkCore.Relational" Version="10.0.14" />
                <Analyzer Include="{typeof(PerEntityDeleteLoopAnalyzer).Assembly.Location}" />
              </ItemGroup>
            </Project>
            """);
        Console.WriteLine($"// Wrote the generated project to {directory}");
    }

    // Benchmark-only analyzers, never loaded by a compiler: the rules for shipping analyzers do not apply.
#pragma warning disable RS1036, RS1041, RS2008

    /// <summary>
    /// A baseline: registers <paramref name="register"/>'s actions, which do nothing — the analyzer driver's own cost (no
    /// actions), the dispatch every syntax analyzer pays, or the operation trees an operation analyzer makes the driver build.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class BaselineAnalyzer(string id, Action<AnalysisContext> register) : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            [new DiagnosticDescriptor(id, "Baseline", "Baseline", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true)];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            register(context);
        }
    }
#pragma warning restore RS1036, RS1041, RS2008
}
