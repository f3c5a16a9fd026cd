using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Rules;

/// <summary>
/// BS1001: entities deleted one by one over a set that is not provably small — <c>Remove</c>/<c>RemoveRange</c> of
/// each element (or of an entity looked up from it) inside a loop over an EF query without a small bound, a
/// navigation collection, a parameter or a field; <c>ExecuteDelete</c> by key once per element; and
/// <c>RemoveRange</c> of an unbounded query or navigation collection in one call. A method that forwards to
/// <c>Remove</c>/<c>RemoveRange</c> (a repository's, found in the compilation or named in <c>remove_methods</c>) counts as one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
[ReadsOption(LoopSource.SmallSetMaxOption)]
[ReadsOption(LoopFacts.SmallNavigationsOption)]
[ReadsOption(WrapperSettings.RemoveMethodsOption)]
[ReadsOption(WrapperConventions.Option)]
public sealed class PerEntityDeleteLoopAnalyzer : EfCoreAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PerEntityDeleteLoop);

    /// <inheritdoc />
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
    {
        // The wrappers' syntax pass runs here, once, before any callback runs (the driver runs every rule's start action
        // first): every callback's name filter needs it, and found on first use, callbacks running meanwhile would wait.
        ef.GetWrappers(start.Options, start.CancellationToken);
        var analyzer = new AnalyzerContext(ef);
        start.RegisterSyntaxNodeAction(analyzer.AnalyzeInvocation, SyntaxKind.InvocationExpression);
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> deletes one entity per element of a large set (see the class summary).
    /// Shared with the code fix, which must see exactly what the analyzer saw.
    /// </summary>
    internal static bool TryMatch(IInvocationOperation invocation, EfCoreSymbols symbols, int smallSetMax, LoopFacts facts, out PerEntityDelete match)
    {
        match = null!;
        IOperation deleted;
        ITypeSymbol? entityType;
        var isRange = false;
        if (invocation.TargetMethod.Name is "ExecuteDelete" or "ExecuteDeleteAsync")
        {
            if (!EntityChanges.IsExecuteDelete(invocation, symbols) || invocation.GetReceiver() is not { } query
                || LoopSource.Classify(query, symbols, smallSetMax, facts).Kind != LoopSourceKind.KeyFilteredQuery)
            {
                // A set-based delete per iteration is a batch, not a per-entity delete.
                return false;
            }

            deleted = query;
            entityType = MaterializedQuery.GetQueryableElementType(query.Type, symbols);
        }
        else if (facts.IsChange(invocation, out var kind, out var entities) && kind == EntityChangeKind.Remove)
        {
            // Remove/RemoveRange, or a method that forwards to them (repository.Remove(post), repository.DeleteAsync(id)).
            deleted = entities[0];
            var deletedType = deleted.WalkDownConversions().Type;
            var elementType = deletedType is null or { SpecialType: SpecialType.System_String } ? null : LoopSource.GetElementType(deletedType, symbols);
            isRange = elementType is not null;

            // A wrapper handed a key (groups.DeleteAsync(id)) deletes its repository's entity: IRepository<Group>, or
            // IGroupRepository : IRepository<Group>.
            entityType = isRange ? elementType
                : deletedType is { IsReferenceType: true } ? deletedType
                : WrapperConventions.RepositoryEntity(invocation.GetReceiver()?.Type)
                    ?? invocation.TargetMethod.ContainingType.TypeArguments.FirstOrDefault(t => t.IsReferenceType);
        }
        else
        {
            return false;
        }

        var loops = Loop.EnumerateEnclosing(invocation, symbols).ToList();
        var sources = loops.Select(loop => LoopSource.Classify(loop.Collection, symbols, smallSetMax, facts)).ToList();
        if (sources.Any(source => source.Kind == LoopSourceKind.ChangeTrackerEntries))
        {
            // Bookkeeping over what the unit of work already tracks (typically in a SaveChanges override or interceptor).
            return false;
        }

        if (isRange
            && LoopSource.Classify(deleted, symbols, smallSetMax, facts) is { Kind: LoopSourceKind.EfQuery or LoopSourceKind.NavigationCollection } removedSet)
        {
            match = new PerEntityDelete(invocation, deleted, entityType, loop: null, removedSet);
            return true;
        }

        for (var i = 0; i < loops.Count; i++)
        {
            if (sources[i].IsLarge && loops[i].DependsOnElement(deleted))
            {
                match = new PerEntityDelete(invocation, deleted, entityType, loops[i], sources[i]);
                return true;
            }
        }

        return false;
    }

    private sealed class AnalyzerContext(EfCompilation ef)
    {
        public void AnalyzeInvocation(SyntaxNodeAnalysisContext context)
        {
            // Remove and ExecuteDelete run per element only in a loop; RemoveRange and wrappers (a repository's
            // RemoveRange(query)) can delete a whole set in one call.
            var syntax = (InvocationExpressionSyntax)context.Node;
            var name = SyntaxFilter.GetInvokedName(syntax);
            var isEfName = name is "Remove" or "RemoveRange" or "ExecuteDelete" or "ExecuteDeleteAsync";
            if (name is null
                || (!isEfName && !ef.MayForward(name, ForwardedWrite.Remove, context.Options, syntax.SyntaxTree, DiagnosticIds.PerEntityDeleteLoop, context.CancellationToken))
                || (name is "Remove" or "ExecuteDelete" or "ExecuteDeleteAsync" && !SyntaxFilter.IsInLoopOrLambda(syntax))
                || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation)
            {
                return;
            }

            var smallSetMax = RuleOptions.GetInt32(context.Options, invocation.Syntax.SyntaxTree, DiagnosticIds.PerEntityDeleteLoop, LoopSource.SmallSetMaxOption, LoopSource.DefaultSmallSetMax);
            var facts = LoopFacts.For(ef, context.Options, invocation.Syntax.SyntaxTree, DiagnosticIds.PerEntityDeleteLoop, context.CancellationToken);
            if (TryMatch(invocation, ef.Symbols, smallSetMax, facts, out var match))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.PerEntityDeleteLoop,
                    invocation.GetMethodNameLocation(),
                    invocation.TargetMethod.Name,
                    match.EntityName,
                    match.Source.Description));
            }
        }
    }
}

/// <summary>What <see cref="PerEntityDeleteLoopAnalyzer"/> found: the delete call, what it deletes, and the loop and set it runs over.</summary>
internal sealed class PerEntityDelete(IInvocationOperation delete, IOperation deleted, ITypeSymbol? entityType, Loop? loop, LoopSource source)
{
    /// <summary>The <c>Remove</c>/<c>RemoveRange</c>/<c>ExecuteDelete</c> call.</summary>
    public IInvocationOperation Delete { get; } = delete;

    /// <summary>The entity (or entities, or key-filtered query) the call deletes.</summary>
    public IOperation Deleted { get; } = deleted;

    /// <summary>The deleted entity type, when known.</summary>
    public ITypeSymbol? EntityType { get; } = entityType;

    /// <summary>The loop that repeats the call once per element; <see langword="null"/> for a single <c>RemoveRange</c> of a large set.</summary>
    public Loop? Loop { get; } = loop;

    /// <summary>The large set: the loop's collection, or what <c>RemoveRange</c> receives.</summary>
    public LoopSource Source { get; } = source;

    /// <summary>The entity name for messages.</summary>
    public string EntityName => EntityType?.Name ?? "entity";
}
