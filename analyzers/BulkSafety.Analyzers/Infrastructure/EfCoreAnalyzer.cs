using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// The skeleton every BulkSafety rule shares: concurrent execution, generated code skipped, and nothing registered in a
/// compilation that does not reference EF Core. Rules register their actions in <see cref="OnCompilationStart"/> with
/// the compilation's shared state (<see cref="EfCompilation"/>: symbols, model) at hand; <see cref="Initialize"/> is sealed so no rule can drift from it.
/// </summary>
public abstract class EfCoreAnalyzer : DiagnosticAnalyzer
{
    private protected EfCoreAnalyzer()
    {
    }

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (EfCompilation.For(start.Compilation) is { } ef)
            {
                OnCompilationStart(start, ef);
            }
        });
    }

    /// <summary>Registers the rule's actions for a compilation that references EF Core.</summary>
    private protected abstract void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef);
}
