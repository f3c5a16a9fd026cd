using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// One verifier input: marked-up sources (one document each, beside the <see cref="EfCorePrelude"/>), optional
/// <c>.editorconfig</c> lines for <c>[*.cs]</c>, and what the snippets compile against. It sets up a standard
/// Microsoft.CodeAnalysis.Testing test, which parses the markup and compares diagnostics.
/// </summary>
internal sealed class AnalyzerTestCase
{
    private const string ProjectDirectory = "/0/";

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

    /// <summary>The path of test document <paramref name="index"/> in the project.</summary>
    internal string DocumentPath(int index) => ProjectDirectory + DocumentName(index);

    /// <summary>Builds the project the verifier compiles for this case (markup removed), for tests that inspect the compilation itself.</summary>
    public Task<Project> CreateProjectAsync() => new AnalyzerVerifier<EmptyDiagnosticAnalyzer>.Test(this).CreateProjectAsync();

    /// <summary>Sets up <paramref name="test"/> for this case: what every test compiles with, and this case as its input state.</summary>
    internal void Configure(AnalyzerTest<DefaultVerifier> test)
    {
        test.ReferenceAssemblies = TestReferences.NetCoreApp;

        // [|...|] means the analyzer's first diagnostic, also for analyzers that report several.
        test.MarkupOptions = MarkupOptions.UseFirstDescriptor;
        test.SolutionTransforms.Add(EnableNullable);

        // The harness would analyze every case once more under '#pragma warning disable <id>' to prove the compiler
        // suppresses it there: the compiler's behavior, not the rules', and a third of the whole run.
        test.TestBehaviors = TestBehaviors.SkipSuppressionCheck;
        ApplyTo(test.TestState);
    }

    /// <summary>
    /// Makes <paramref name="state"/> exactly this case: its documents, the prelude, the <c>.editorconfig</c>, the output
    /// kind and the references. A fixed state then inherits nothing from the input, and its markup declares every
    /// diagnostic left, fixable or not.
    /// </summary>
    internal void ApplyTo(SolutionState state)
    {
        state.InheritanceMode = StateInheritanceMode.Explicit;
        state.MarkupHandling = MarkupMode.Allow;
        for (var i = 0; i < Sources.Count; i++)
        {
            state.Sources.Add((DocumentPath(i), Sources[i]));
        }

        if (IncludePrelude)
        {
            state.Sources.Add((ProjectDirectory + EfCorePrelude.FileName, EfCorePrelude.Source));
        }

        state.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + EditorConfig + "\n"));
        state.OutputKind = OutputKind;
        if (ReferenceEfCore)
        {
            state.AdditionalReferences.AddRange(TestReferences.EfCore);
            if (ReferenceBulkSafety)
            {
                state.AdditionalReferences.AddRange(TestReferences.BulkSafety);
            }
        }

        state.AdditionalReferences.AddRange(AdditionalReferences);
    }

    /// <summary>
    /// Removes the <see cref="ReportDiagnostic.Default"/> entries the harness gives every rule under test: the compiler reads
    /// them as <c>/warnaserror-</c>, which would keep an <c>.editorconfig</c> from raising a rule to error. A real build has none.
    /// </summary>
    internal static Project WithoutWarnAsErrorMinus(Project project)
    {
        var options = project.CompilationOptions!;
        var specific = options.SpecificDiagnosticOptions.Where(option => option.Value != ReportDiagnostic.Default);
        return project.WithCompilationOptions(options.WithSpecificDiagnosticOptions(specific));
    }

    // Snippets are written for a project with <Nullable>enable</Nullable>, like the projects the rules analyze.
    private static Solution EnableNullable(Solution solution, ProjectId projectId)
    {
        var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
        return solution.WithProjectCompilationOptions(projectId, options.WithNullableContextOptions(NullableContextOptions.Enable));
    }
}
