using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.AnalyzerHostTests;

/// <summary>
/// The rules and their fixes where EF Core 8 applications are built: a Roslyn 4.8 host (the .NET 8 SDK's first compiler
/// line) loads the built assemblies through <see cref="AnalyzerFileReference"/>, whose CS8032 check skips any analyzer
/// that references a newer compiler, and runs them on an application compiled against EF Core 8.
/// </summary>
public sealed class Roslyn48HostTests
{
    private const string Application = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        public class Group
        {
            public long Id { get; set; }
            public bool IsSpam { get; set; }
            public int Score { get; set; }
        }

        public class Forum
        {
            public long Id { get; set; }
            public int TopicsCount { get; set; }
            public List<Topic> Topics { get; set; } = new();
        }

        public class Topic
        {
            public long Id { get; set; }
            public long ForumId { get; set; }
            public Forum Forum { get; set; } = null!;
        }

        public class ShopContext : DbContext
        {
            public DbSet<Group> Groups => Set<Group>();
            public DbSet<Forum> Forums => Set<Forum>();
            protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=:memory:");
        }

        public static class Topics
        {
            // EF Core 8's ExecuteUpdate form: an expression over SetPropertyCalls<Forum>.
            public static void Removed(ShopContext db, Topic topic)
                => db.Forums.Where(f => f.Id == topic.ForumId).ExecuteUpdate(s => s.SetProperty(f => f.TopicsCount, f => f.TopicsCount - 1));
        }

        public static class Cleanup
        {
            public static void DeleteSpam(ShopContext db)
            {
                foreach (var group in db.Groups.Where(g => g.IsSpam).ToList())
                    db.Groups.Remove(group);
                db.SaveChanges();
            }

            public static void Rescore(ShopContext db)
            {
                foreach (var group in db.Groups.Where(g => g.IsSpam).ToList())
                    group.Score += 1;
                db.SaveChanges();
            }

            public static void SaveEach(ShopContext db, IEnumerable<Group> groups)
            {
                foreach (var group in groups)
                {
                    db.Groups.Add(group);
                    db.SaveChanges();
                }
            }
        }
        """;

    [Fact]
    public void Host_IsRoslyn48()
        => Assert.Equal(new Version(4, 8, 0, 0), typeof(Compilation).Assembly.GetName().Version);

    [Fact]
    public void Analyzers_Load_WithoutCS8032()
    {
        var (analyzers, failures) = AnalyzersUnderTest.Load(AnalyzersUnderTest.AnalyzersPath);

        Assert.Empty(failures);
        Assert.Contains(analyzers, a => a.SupportedDiagnostics.Any(d => d.Id == "BS1001"));
    }

    [Fact]
    public async Task Rules_ReportOnAnEfCore8Application()
    {
        var (analyzers, _) = AnalyzersUnderTest.Load(AnalyzersUnderTest.AnalyzersPath);
        var compilation = Compile(Application);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var exceptions = new List<Exception>();
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var reported = (await withAnalyzers.GetAnalyzerDiagnosticsAsync()).Select(d => (d.Id, Line: d.Location.GetLineSpan().StartLinePosition.Line + 1)).ToHashSet();

        Assert.Empty(exceptions);
        Assert.Contains(("BS1001", LineOf("db.Groups.Remove(group)")), reported);
        Assert.Contains(("BS1003", LineOf("foreach", after: "Rescore(")), reported);
        Assert.Contains(("BS2001", LineOf("public List<Topic> Topics")), reported);
        Assert.Contains(reported, d => d.Id == "BS1002" && d.Line == LineOf("db.SaveChanges();", after: "db.Groups.Add(group)"));
    }

    [Theory]
    [InlineData("BS1001", "db.Groups.Remove(group)", "DeleteSpam(", "db.Groups.Where(g => g.IsSpam).ExecuteDelete();")]
    [InlineData("BS1003", "foreach", "Rescore(", "db.Groups.Where(g => g.IsSpam).ExecuteUpdate(")]
    public async Task CodeFixes_RewriteToEfCore8sSetBasedForm_AndTheResultCompiles(string id, string flaggedCode, string method, string expected)
    {
        var (analyzers, _) = AnalyzersUnderTest.Load(AnalyzersUnderTest.AnalyzersPath);
        using var workspace = new AdhocWorkspace();
        var document = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Default, "App", "App", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                parseOptions: new CSharpParseOptions(LanguageVersion.CSharp12),
                metadataReferences: References.Value))
            .AddDocument("Program.cs", SourceText.From(Application));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostic = (await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync())
            .Single(d => d.Id == id && d.Location.GetLineSpan().StartLinePosition.Line + 1 == LineOf(flaggedCode, after: method));

        var actions = new List<CodeAction>();
        foreach (var provider in AnalyzersUnderTest.CodeFixProviders().Where(p => p.FixableDiagnosticIds.Contains(id)))
        {
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        }

        var fix = Assert.Single(actions);
        var change = (await fix.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
        var fixedDocument = change.ChangedSolution.GetDocument(document.Id)!;
        var fixedText = (await fixedDocument.GetTextAsync()).ToString();
        Assert.Contains(expected, fixedText, StringComparison.Ordinal);
        var fixedCompilation = (await fixedDocument.Project.GetCompilationAsync())!;
        Assert.Empty(fixedCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>The negative control: an analyzer referencing Roslyn 4.14 is refused by this host, as csc 4.8 refuses it.</summary>
    [Fact]
    public void AnAnalyzerBuiltAgainstANewerRoslyn_IsRefusedByThisHost()
    {
        var newerRoslyn = AnalyzersUnderTest.NewerMicrosoftCodeAnalysis();
        var source = """
            using System.Collections.Immutable;
            using Microsoft.CodeAnalysis;
            using Microsoft.CodeAnalysis.Diagnostics;

            [DiagnosticAnalyzer(LanguageNames.CSharp)]
            public sealed class NewerAnalyzer : DiagnosticAnalyzer
            {
                public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;
                public override void Initialize(AnalysisContext context) { }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "NewerAnalyzer",
            [CSharpSyntaxTree.ParseText(source)],
            FrameworkReferences().Append(MetadataReference.CreateFromFile(newerRoslyn)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var path = Path.Combine(Directory.CreateTempSubdirectory("bulksafety-newer-analyzer-").FullName, "NewerAnalyzer.dll");
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var (analyzers, failures) = AnalyzersUnderTest.Load(path);

        Assert.Empty(analyzers);
        Assert.Equal(AnalyzerLoadFailureEventArgs.FailureErrorCode.ReferencesNewerCompiler, Assert.Single(failures).ErrorCode);
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        [.. FrameworkReferences(),
         .. new[] { typeof(DbContext), typeof(RelationalQueryableExtensions), typeof(SqliteDbContextOptionsBuilderExtensions) }
             .Select(t => MetadataReference.CreateFromFile(t.Assembly.Location))]);

    private static IEnumerable<MetadataReference> FrameworkReferences()
        => ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => MetadataReference.CreateFromFile(p));

    private static CSharpCompilation Compile(string source)
        => CSharpCompilation.Create(
            "App",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp12))],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    private static int LineOf(string code, string? after = null)
    {
        var lines = Application.Split('\n');
        var start = after is null ? 0 : Array.FindIndex(lines, l => l.Contains(after, StringComparison.Ordinal));
        return Array.FindIndex(lines, start, l => l.Contains(code, StringComparison.Ordinal)) + 1;
    }
}
