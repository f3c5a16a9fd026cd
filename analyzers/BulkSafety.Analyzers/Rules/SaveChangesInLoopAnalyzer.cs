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
/// BS1002: <c>SaveChanges</c>/<c>SaveChangesAsync</c> runs once per iteration of a loop over a collection that is not
/// provably small, and the iteration changes an entity derived from the element (adds, updates, attaches, removes it,
/// or assigns one of its properties): one transaction per entity. Loops without a visible collection (retry loops,
/// <c>while (true)</c> batch loops), loops over bounded batches, loops over <c>ChangeTracker.Entries()</c>, and a
/// context created inside the loop (one unit of work per iteration) are quiet.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
[ReadsOption(LoopSource.SmallSetMaxOption)]
[ReadsOption(LoopFacts.SmallNavigationsOption)]
[ReadsOption(WrapperSettings.SaveMethodsOption)]
[ReadsOption(WrapperSettings.RemoveMethodsOption)]
[ReadsOption(WrapperSettings.UpdateMethodsOption)]
[ReadsOption(WrapperSettings.AddMethodsOption)]
[ReadsOption(WrapperConventions.Option)]
public sealed class SaveChangesInLoopAnalyzer : EfCoreAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SaveChangesInLoop);

    /// <inheritdoc />
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
    {
        // The wrappers' syntax pass runs here, once, before any callback runs (the driver runs every rule's start action
        // first): every callback's name filter needs it, and found on first use, callbacks running meanwhile would wait.
        ef.GetWrappers(start.Options, start.CancellationToken);
        var analyzer = new AnalyzerContext(ef);
        start.RegisterSyntaxNodeAction(analyzer.AnalyzeInvocation, SyntaxKind.InvocationExpression);
    }

    /// <summary>Whether <paramref name="invocation"/> saves once per iteration of a loop that changes entities (see the class summary). Shared with the code fix.</summary>
    internal static bool TryMatch(IInvocationOperation invocation, EfCoreSymbols symbols, int smallSetMax, LoopFacts facts, out SaveChangesInLoop match)
    {
        match = null!;
        if (!facts.IsSave(invocation))
        {
            return false;
        }

        var loops = Loop.EnumerateEnclosing(invocation, symbols).ToList();
        var sources = loops.Select(loop => LoopSource.Classify(loop.Collection, symbols, smallSetMax, facts)).ToList();
        if (sources.Any(source => source.Kind == LoopSourceKind.ChangeTrackerEntries))
        {
            return false;
        }

        var context = invocation.Instance?.WalkDownConversions();
        for (var i = 0; i < loops.Count; i++)
        {
            var loop = loops[i];
            if (context is ILocalReferenceOperation local && loop.IsDeclaredInBody(local.Local) && CreatesContext(local.Local, loop.Body))
            {
                // A context per iteration is a unit of work per iteration, by design.
                return false;
            }

            if (loop.Collection is null || sources[i].IsProvablySmall)
            {
                continue;
            }

            if (IsPeriodicSave(invocation, loop))
            {
                // if (++processed % 500 == 0) SaveChanges(): one save per batch of iterations.
                return false;
            }

            if (FindChangedEntity(loop, sources[i], context?.Type, symbols, facts) is { } changed)
            {
                match = new SaveChangesInLoop(invocation, loop, sources[i], changed);
                return true;
            }
        }

        return false;
    }

    // The entity type of a change that depends on the current element, or null when the iteration changes none.
    private static ITypeSymbol? FindChangedEntity(Loop loop, LoopSource source, ITypeSymbol? contextType, EfCoreSymbols symbols, LoopFacts facts)
    {
        foreach (var operation in loop.Body.Descendants())
        {
            switch (operation)
            {
                case IInvocationOperation call when facts.IsChange(call, out _, out var entities):
                    foreach (var changed in entities)
                    {
                        if (loop.DependsOnElement(changed))
                        {
                            var type = changed.WalkDownConversions().Type;
                            return type is null or { SpecialType: SpecialType.System_String } ? type : LoopSource.GetElementType(type, symbols) ?? type;
                        }
                    }

                    break;
                case IInvocationOperation { Instance: { } receiver } call when loop.DependsOnElement(receiver) && facts.ChangesItsInstance(call)
                    && GetEntityType(receiver.Type, source, contextType, symbols, facts) is { } changedByMethod:
                    // A domain method of the entity that changes its state: signup.Cancel().
                    return changedByMethod;
                case IAssignmentOperation or IIncrementOrDecrementOperation:
                    var target = operation is IAssignmentOperation assignment ? assignment.Target : ((IIncrementOrDecrementOperation)operation).Target;
                    if (target is IPropertyReferenceOperation { Instance: { } instance }
                        && loop.DependsOnElement(instance)
                        && GetEntityType(instance.Type, source, contextType, symbols, facts) is { } entity)
                    {
                        return entity;
                    }

                    break;
            }
        }

        return null;
    }

    // An entity: mapped by the saved context or the compilation's EF mapping, the element type of an EF query or
    // navigation, or the entity of an EntityEntry.
    private static ITypeSymbol? GetEntityType(ITypeSymbol? type, LoopSource source, ITypeSymbol? contextType, EfCoreSymbols symbols, LoopFacts facts)
    {
        if (type is null)
        {
            return null;
        }

        if (type is INamedTypeSymbol { Name: "EntityEntry", TypeArguments.Length: 1 } entry
            && entry.ContainingNamespace.ToDisplayString() == "Microsoft.EntityFrameworkCore.ChangeTracking")
        {
            return entry.TypeArguments[0];
        }

        if (EntityChanges.IsMappedBy(contextType, type, symbols) || facts.IsMappedEntity(type))
        {
            return type;
        }

        var queried = source.Kind switch
        {
            LoopSourceKind.EfQuery when !source.ProjectsElements => source.EntityType,
            LoopSourceKind.NavigationCollection when source.Symbol is IPropertySymbol navigation => LoopSource.GetElementType(navigation.Type, symbols),
            _ => null,
        };
        return SymbolEqualityComparer.Default.Equals(queried, type) ? type : null;
    }

    // The save runs only when a condition on a counter or buffer of the loop holds: a local the body changes (processed++,
    // batch.Add(x)) or an increment in the condition itself. A condition on the element (if (group is not null)) or on
    // something fixed (if (!dryRun)) does not make the save periodic.
    private static bool IsPeriodicSave(IInvocationOperation saveChanges, Loop loop)
    {
        for (var current = saveChanges.Parent; current is not null && current != loop.Body; current = current.Parent)
        {
            if (current is IConditionalOperation { Condition: { } condition } && !loop.DependsOnElement(condition)
                && condition.DescendantsAndSelf().Any(node => node is IIncrementOrDecrementOperation
                    || (node is ILocalReferenceOperation local && IsChangedIn(local.Local, loop.Body))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsChangedIn(ILocalSymbol local, IOperation body)
        => body.Descendants().Any(operation => operation switch
        {
            IAssignmentOperation assignment => assignment.Target.IsReferenceTo(local),
            IIncrementOrDecrementOperation increment => increment.Target.IsReferenceTo(local),
            IInvocationOperation { TargetMethod.Name: "Add" or "AddRange" or "Clear", Instance: { } instance } => instance.WalkDownConversions().IsReferenceTo(local),
            _ => false,
        });

    // using var db = factory.CreateDbContext(); or new AppDbContext(...) — not an alias of an outer context (var ctx = db).
    private static bool CreatesContext(ILocalSymbol local, IOperation scope)
        => scope.GetWrites(local).Any(write => write.WalkDownValueWrappers() is IObjectCreationOperation or IInvocationOperation);

    private sealed class AnalyzerContext(EfCompilation ef)
    {
        public void AnalyzeInvocation(SyntaxNodeAnalysisContext context)
        {
            var syntax = (InvocationExpressionSyntax)context.Node;
            if (SyntaxFilter.GetInvokedName(syntax) is not { } name
                || !(name is "SaveChanges" or "SaveChangesAsync" || ef.MayForward(name, ForwardedWrite.Save, context.Options, syntax.SyntaxTree, DiagnosticIds.SaveChangesInLoop, context.CancellationToken))
                || !SyntaxFilter.IsInLoopOrLambda(syntax)
                || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation)
            {
                return;
            }

            var smallSetMax = RuleOptions.GetInt32(context.Options, invocation.Syntax.SyntaxTree, DiagnosticIds.SaveChangesInLoop, LoopSource.SmallSetMaxOption, LoopSource.DefaultSmallSetMax);
            var facts = LoopFacts.For(ef, context.Options, invocation.Syntax.SyntaxTree, DiagnosticIds.SaveChangesInLoop, context.CancellationToken);
            if (TryMatch(invocation, ef.Symbols, smallSetMax, facts, out var match))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.SaveChangesInLoop,
                    invocation.GetMethodNameLocation(),
                    invocation.TargetMethod.Name,
                    match.Source.Description,
                    match.EntityType.Name));
            }
        }
    }
}

/// <summary>What <see cref="SaveChangesInLoopAnalyzer"/> found: the save, the loop it repeats in, and the entity the loop changes.</summary>
internal sealed class SaveChangesInLoop(IInvocationOperation saveChanges, Loop loop, LoopSource source, ITypeSymbol entityType)
{
    /// <summary>The <c>SaveChanges</c>/<c>SaveChangesAsync</c> call.</summary>
    public IInvocationOperation SaveChanges { get; } = saveChanges;

    /// <summary>The loop whose iterations each save.</summary>
    public Loop Loop { get; } = loop;

    /// <summary>What the loop iterates.</summary>
    public LoopSource Source { get; } = source;

    /// <summary>The entity type an iteration changes.</summary>
    public ITypeSymbol EntityType { get; } = entityType;
}
