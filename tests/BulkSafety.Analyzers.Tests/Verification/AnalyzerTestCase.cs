using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// One verifier input: marked-up sources (one document each, after the <see cref="EfCorePrelude"/>), optional
/// <c>.editorconfig</c> lines for <c>[*.cs]</c>, and what the snippets compile against.
/// </summary>
internal sealed class AnalyzerTestCase
{
    public AnalyzerTestCase(params string[] sources) => Sources.AddRange(sources);

    /// <summary>Marked-up sources; document <c>i</c> is named <c>Test{i}.cs</c> (see <see cref="DocumentName"/>).</summary>
    public List<string> Sources { get; } = new();

    /// <summary>Lines placed under <c>[*.cs]</c> of a root <c>.editorconfig</c>, e.g. <c>dotnet_code_quality.BS1001.small_set_max = 10</c>.</summary>
    public string? EditorConfig { get; set; }

    /// <summary>Whether the snippets see the prelude's model and global usings.</summary>
    public bool IncludePrelude { get; set; } = true;

    /// <summary>Whether the snippets compile against EF Core; false proves a rule stays silent without it.</summary>
    public bool ReferenceEfCore { get; set; } = true;

    /// <summary>Whether the snippets compile against the BulkSafety runtime (with EF Core); false proves a fix that calls it is not offered without it.</summary>
    public bool ReferenceBulkSafety { get; set; } = true;

    /// <summary>What the project builds: a library, or an executable (for top-level statements).</summary>
    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    /// <summary>References beyond the default set, e.g. a provider from <see cref="TestReferences.Provider"/>.</summary>
    public List<MetadataReference> AdditionalReferences { get; } = new();

    /// <summary>Documents whose name ends with <c>.g.cs</c> are generated code.</summary>
    public Func<int, string> DocumentName { get; set; } = i => $"Test{i}.cs";

    internal const string ProjectDirectory = "/src/";

    private ImmutableArray<MetadataReference> References
        => !ReferenceEfCore ? TestReferences.Runtime : ReferenceBulkSafety ? TestReferences.RuntimeAndEfCore : TestReferences.RuntimeAndEfCoreOnly;

    /// <summary>Builds the project with the clean sources; returns it with each test document's expected diagnostics.</summary>
    internal (Project Project, ImmutableArray<(DocumentId Document, IReadOnlyList<ExpectedDiagnostic> Expected)> Documents) CreateProject()
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilationOptions = new CSharpCompilationOptions(OutputKind, nullableContextOptions: NullableContextOptions.Enable);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "TestProject", "TestProject", LanguageNames.CSharp,
                filePath: ProjectDirectory + "TestProject.csproj",
                compilationOptions: compilationOptions,
                parseOptions: parseOptions,
                metadataReferences: References.AddRange(AdditionalReferences)));

        if (IncludePrelude)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), EfCorePrelude.FileName, SourceText.From(EfCorePrelude.Source), filePath: ProjectDirectory + EfCorePrelude.FileName);
        }

        var documents = ImmutableArray.CreateBuilder<(DocumentId, IReadOnlyList<ExpectedDiagnostic>)>();
        for (var i = 0; i < Sources.Count; i++)
        {
            var (source, expected) = TestMarkup.Parse(Sources[i]);
            var documentId = DocumentId.CreateNewId(projectId);
            var name = DocumentName(i);
            solution = solution.AddDocument(documentId, name, SourceText.From(source), filePath: ProjectDirectory + name);
            documents.Add((documentId, expected));
        }

        var editorConfig = "root = true\n\n[*.cs]\n" + (EditorConfig ?? string.Empty) + "\n";
        solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(editorConfig), filePath: "/.editorconfig");
        return (solution.GetProject(projectId)!, documents.ToImmutable());
    }
}
