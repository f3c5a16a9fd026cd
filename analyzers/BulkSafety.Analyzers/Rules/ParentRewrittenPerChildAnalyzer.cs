using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Rules;

/// <summary>
/// BS2002: inside a loop over dependents, the parent row is persisted once per iteration: <c>SaveChanges</c> after the
/// loop body wrote the parent's counter or timestamp (directly, or through the context's own SaveChanges bookkeeping),
/// <c>ExecuteUpdate</c> on the parent's set, or raw <c>UPDATE</c> bookkeeping on the parent's table. Quiet on tracked
/// assignments alone (EF writes one UPDATE per parent per SaveChanges), on SaveChanges calls inside the SaveChanges
/// pipeline, and on writes after the loop. Loops come from the shared loop infrastructure; principals and dependents
/// from the per-compilation EF model.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
[ReadsOption(WrapperSettings.SaveMethodsOption)]
[ReadsOption(WrapperConventions.Option)]
public sealed class ParentRewrittenPerChildAnalyzer : EfCoreAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ParentRewrittenPerChild);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
    {
        start.RegisterSyntaxNodeAction(c => Analyze(c, ef), SyntaxKind.InvocationExpression);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, EfCompilation ef)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        if (SyntaxFilter.GetInvokedName(syntax) is not { } name)
        {
            return;
        }

        // Only ExecuteUpdate names its parent; a save, raw SQL or a wrapper writes one only through bookkeeping. With no
        // statement of the compilation that may keep it (most compilations), every other call is dismissed here, before
        // the wrapper and loop filters below: this callback runs for every invocation of the compilation. The mapping
        // was read by the model rules' start actions, so this does not wait.
        var isBulkUpdate = name is "ExecuteUpdate" or "ExecuteUpdateAsync";
        var mapping = ef.GetMapping(context.CancellationToken);
        if (!isBulkUpdate && mapping.BookkeepingCandidates.IsEmpty)
        {
            return;
        }

        // Only a save, a bulk update or raw SQL in a loop (or a method that forwards to one) can persist the parent per
        // iteration: reject the rest in syntax, before the semantic model is asked anything.
        if (!(isBulkUpdate || name is "SaveChanges" or "SaveChangesAsync" || name.StartsWith("ExecuteSql", System.StringComparison.Ordinal)
                || ef.MayForward(name, ForwardedWrite.Save, context.Options, syntax.SyntaxTree, DiagnosticIds.ParentRewrittenPerChild, context.CancellationToken))
            || !SyntaxFilter.IsInLoopOrLambda(syntax)
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation)
        {
            return;
        }

        var symbols = ef.Symbols;
        var facts = LoopFacts.For(ef, context.Options, syntax.SyntaxTree, DiagnosticIds.ParentRewrittenPerChild, context.CancellationToken);
        var forwarding = facts.ForwardingOf(invocation);
        var isSaveChanges = facts.IsSave(invocation);
        var isExecuteUpdate = !isSaveChanges && EntityChanges.IsExecuteUpdate(invocation, symbols);
        var isRawSql = !isSaveChanges && !isExecuteUpdate && EntityChanges.IsRawSql(invocation, symbols);
        var isForwardedBulkUpdate = !isSaveChanges && !isExecuteUpdate && !isRawSql && forwarding.Has(ForwardedWrite.BulkUpdate);
        if (!(isSaveChanges || isExecuteUpdate || isRawSql || isForwardedBulkUpdate) || (isSaveChanges && EntityChanges.IsInSaveChangesPipeline(context.ContainingSymbol, symbols)))
        {
            return;
        }

        var loops = Loop.EnumerateEnclosing(invocation, symbols).ToList();
        if (loops.Count == 0)
        {
            return;
        }

        foreach (var loop in loops)
        {
            if (ElementEntity(loop, mapping) is not { } dependent)
            {
                continue;
            }

            // A bulk update names its parent; a save or raw SQL writes one only through bookkeeping, which is read only when
            // some statement may keep it for a parent of this dependent.
            var parent = isExecuteUpdate ? ParentOfBulkUpdate(invocation, dependent, mapping)
                : !mapping.Relationships.Any(r => EfModel.AreRelated(r.Dependent, dependent) && mapping.MayBeRewritten(r.Principal)) ? null
                : isRawSql ? ParentOfRawSql(invocation, dependent, ef.GetModel(context.CancellationToken))
                : isForwardedBulkUpdate ? ParentOfForwardedBulkUpdate(forwarding, dependent, ef.GetModel(context.CancellationToken))
                : ParentWrittenBeforeSave(invocation, forwarding, loop, dependent, ef.GetModel(context.CancellationToken), facts);
            if (parent is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ParentRewrittenPerChild, invocation.GetMethodNameLocation(), invocation.TargetMethod.Name, parent.Name, dependent.Name));
                return;
            }
        }
    }

    /// <summary>
    /// The entity type the loop iterates: the collection's element type, else the element variable's type; an
    /// <c>EntityEntry&lt;T&gt;</c> (a change-tracker loop) iterates <c>T</c>.
    /// </summary>
    private static INamedTypeSymbol? ElementEntity(Loop loop, EfMapping model)
    {
        if (Entity(ConfigurationReader.NavigationTarget(loop.Collection?.Type), model) is { } element)
        {
            return element;
        }

        var variable = loop.ElementVariables.FirstOrDefault() switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };
        return Entity(variable as INamedTypeSymbol, model);
    }

    private static INamedTypeSymbol? Entity(INamedTypeSymbol? type, EfMapping model)
    {
        if (type is { Name: "EntityEntry", TypeArguments.Length: 1 })
        {
            type = type.TypeArguments[0] as INamedTypeSymbol;
        }

        return type is not null && model.EntityTypes.Contains(type) ? type : null;
    }

    private static INamedTypeSymbol? ParentOf(INamedTypeSymbol candidate, INamedTypeSymbol dependent, EfMapping model)
        => model.Relationships.FirstOrDefault(r => EfModel.AreRelated(r.Principal, candidate) && EfModel.AreRelated(r.Dependent, dependent))?.Principal;

    private static INamedTypeSymbol? ParentOfBulkUpdate(IInvocationOperation executeUpdate, INamedTypeSymbol dependent, EfMapping model)
        => executeUpdate.GetReceiver()?.Type is INamedTypeSymbol query
            && ConfigurationReader.NavigationTarget(query) is { } entity
            ? ParentOf(entity, dependent, model)
            : null;

    private static INamedTypeSymbol? ParentOfRawSql(IInvocationOperation rawSql, INamedTypeSymbol dependent, EfModel model)
        => model.Bookkeeping.FirstOrDefault(w => w.Mechanism == WriteMechanism.RawSql && w.Syntax == rawSql.Syntax && EfModel.AreRelated(w.Dependent, dependent))?.Principal;

    // A method that forwards to ExecuteUpdate or raw SQL (groups.DecrementPostCount(post.GroupId)): the bookkeeping its body keeps.
    private static INamedTypeSymbol? ParentOfForwardedBulkUpdate(Forwarding forwarding, INamedTypeSymbol dependent, EfModel model)
        => model.Bookkeeping.FirstOrDefault(w => w.Mechanism is WriteMechanism.ExecuteUpdate or WriteMechanism.RawSql
            && forwarding.Bodies.Any(b => b.SyntaxTree == w.Syntax.SyntaxTree && b.Span.Contains(w.Syntax.Span))
            && EfModel.AreRelated(w.Dependent, dependent))?.Principal;

    /// <summary>
    /// The parent that this iteration's SaveChanges writes: bookkeeping assigned in the loop body, in a method the body
    /// calls, or in the SaveChanges pipeline of the saved context when the body changes entities.
    /// </summary>
    private static INamedTypeSymbol? ParentWrittenBeforeSave(IInvocationOperation saveChanges, Forwarding forwarding, Loop loop, INamedTypeSymbol dependent, EfModel model, LoopFacts facts)
    {
        var tracked = model.Bookkeeping.Where(w => w.Mechanism == WriteMechanism.TrackedAssignment && EfModel.AreRelated(w.Dependent, dependent)).ToList();
        if (tracked.Count == 0)
        {
            return null;
        }

        var body = loop.Body.Syntax;
        var invocations = loop.Body.Descendants().OfType<IInvocationOperation>().ToList();
        var calledBodies = invocations.SelectMany(i => i.TargetMethod.DeclaringSyntaxReferences).ToList();
        var changesEntities = invocations.Any(i => facts.IsChange(i, out _, out _));
        var contextType = forwarding.SavedContext ?? saveChanges.GetReceiver()?.Type;
        foreach (var write in tracked)
        {
            var inBody = write.Syntax.SyntaxTree == body.SyntaxTree && body.Span.Contains(write.Syntax.Span);
            var inCalledMethod = calledBodies.Any(r => r.SyntaxTree == write.Syntax.SyntaxTree && r.Span.Contains(write.Syntax.Span));
            var inSavePipeline = changesEntities && IsInSavePipelineOf(write.Syntax, contextType);
            if (inBody || inCalledMethod || inSavePipeline)
            {
                return write.Principal;
            }
        }

        return null;
    }

    // Bookkeeping declared in the saved context's class (its SaveChanges override and helpers) or in an interceptor.
    private static bool IsInSavePipelineOf(SyntaxNode write, ITypeSymbol? contextType)
    {
        for (var node = write.Parent; node is not null; node = node.Parent)
        {
            if (node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration)
            {
                var name = declaration.Identifier.ValueText;
                for (var type = contextType; type is not null; type = type.BaseType)
                {
                    if (type.Name == name && type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == write.SyntaxTree && r.Span.Contains(write.Span)))
                    {
                        return true;
                    }
                }

                return declaration.BaseList?.Types.Any(t => t.Type.ToString().EndsWith("SaveChangesInterceptor", System.StringComparison.Ordinal)) == true;
            }
        }

        return false;
    }
}
