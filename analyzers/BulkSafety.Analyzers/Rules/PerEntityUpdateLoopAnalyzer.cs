using System.Collections.Generic;
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
/// BS1003: a loop (<c>foreach</c>, <c>await foreach</c>, <c>List&lt;T&gt;.ForEach</c>, <c>ForEachAsync</c>, a <c>Select</c>
/// run at once) over a tracked EF Core query without a small bound, or over a navigation collection, whose body only
/// assigns columns of the element — and each value is built from constants, variables from outside the loop, and the
/// element's own columns (no calls, no static properties such as <c>DateTime.UtcNow</c>), so that the database could
/// compute it in one set-based <c>UPDATE</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
[ReadsOption(LoopSource.SmallSetMaxOption)]
[ReadsOption(LoopFacts.SmallNavigationsOption)]
[ReadsOption(WrapperSettings.UpdateMethodsOption)]
[ReadsOption(WrapperConventions.Option)]
public sealed class PerEntityUpdateLoopAnalyzer : EfCoreAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PerEntityUpdateLoop);

    /// <inheritdoc />
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
    {
        // The wrappers' syntax pass runs here, once, before any callback runs (the driver runs every rule's start action
        // first): every callback's name filter needs it, and found on first use, callbacks running meanwhile would wait.
        ef.GetWrappers(start.Options, start.CancellationToken);
        var analyzer = new AnalyzerContext(ef);
        start.RegisterSyntaxNodeAction(analyzer.AnalyzeLoop, SyntaxKind.ForEachStatement, SyntaxKind.ForEachVariableStatement);
        start.RegisterSyntaxNodeAction(analyzer.AnalyzeInvocation, SyntaxKind.InvocationExpression);
    }

    /// <summary>Whether <paramref name="loop"/> only assigns columns of each entity of a large set (see the class summary). Shared with the code fix.</summary>
    internal static bool TryMatch(Loop loop, EfCoreSymbols symbols, int smallSetMax, LoopFacts facts, out PerEntityUpdate match)
    {
        match = null!;
        if (loop.Form is LoopForm.For or LoopForm.While or LoopForm.Do
            || loop.ElementVariables.Length != 1
            || loop.ElementVariables[0] is not (ILocalSymbol or IParameterSymbol))
        {
            return false;
        }

        var source = LoopSource.Classify(loop.Collection, symbols, smallSetMax, facts);
        var entityType = source.Kind switch
        {
            LoopSourceKind.EfQuery when !source.ProjectsElements && !source.IsNoTracking => source.EntityType,
            LoopSourceKind.NavigationCollection when source.Symbol is IPropertySymbol navigation => LoopSource.GetElementType(navigation.Type, symbols),
            _ => null,
        };
        var element = loop.ElementVariables[0];
        if (entityType is null || !SymbolEqualityComparer.Default.Equals(entityType, GetType(element)))
        {
            return false;
        }

        if (GetColumnAssignments(loop, element, symbols, facts, out var updatesThroughWrapper) is not { Count: > 0 } assignments
            || Loop.EnumerateEnclosing(loop.Operation, symbols).Any(outer => LoopSource.Classify(outer.Collection, symbols, smallSetMax, facts).Kind == LoopSourceKind.ChangeTrackerEntries))
        {
            return false;
        }

        match = new PerEntityUpdate(loop, source, entityType, assignments, updatesThroughWrapper);
        return true;
    }

    // Every statement of the body assigns a scalar column of the element with a value the database can compute, or marks
    // the element updated (db.Update(x), or a wrapper that forwards to it: repository.Update(x)); else null.
    private static List<ColumnAssignment>? GetColumnAssignments(Loop loop, ISymbol element, EfCoreSymbols symbols, LoopFacts facts, out bool updatesThroughWrapper)
    {
        updatesThroughWrapper = false;
        var operations = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
        var assignments = new List<ColumnAssignment>();
        for (var i = 0; i < operations.Length; i++)
        {
            var operation = operations[i];
            if (operation is IReturnOperation { IsImplicit: true, ReturnedValue: null }
                || (loop.Form == LoopForm.Select && i == operations.Length - 1 && operation is IReturnOperation { ReturnedValue: { } returned } && IsReferenceTo(returned, element)))
            {
                continue;
            }

            if (operation is not IExpressionStatementOperation { Operation: { } write })
            {
                return null;
            }

            if (write.WalkDownValueWrappers() is IInvocationOperation call
                && facts.IsChange(call, out var kind, out var entities) && kind == EntityChangeKind.Update && entities.Any(e => IsReferenceTo(e, element)))
            {
                updatesThroughWrapper |= !EntityChanges.IsChangeCall(call, symbols, out _);
                continue;
            }

            var (target, value) = write switch
            {
                ISimpleAssignmentOperation simple => (simple.Target, simple.Value),
                ICompoundAssignmentOperation compound => (compound.Target, compound.Value),
                IIncrementOrDecrementOperation increment => (increment.Target, (IOperation?)null),
                _ => (null, null),
            };
            if (target is not IPropertyReferenceOperation { Instance: { } instance } column
                || !IsReferenceTo(instance, element)
                || !IsScalarColumn(column.Property, symbols)
                || (value is not null && !IsComputableByDatabase(value, element, loop, symbols)))
            {
                return null;
            }

            assignments.Add(new ColumnAssignment(write, column.Property));
        }

        return assignments;
    }

    // Constants, variables from outside the loop (EF Core sends them as parameters), the element's own columns, operators.
    private static bool IsComputableByDatabase(IOperation value, ISymbol element, Loop loop, EfCoreSymbols symbols)
    {
        foreach (var node in value.DescendantsAndSelf())
        {
            switch (node)
            {
                case ILiteralOperation or IDefaultValueOperation or IConversionOperation or IBinaryOperation or IUnaryOperation
                    or IConditionalOperation or ICoalesceOperation or IInstanceReferenceOperation:
                    break;
                case IPropertyReferenceOperation { Instance: { } instance } property when IsReferenceTo(instance, element):
                    if (!IsScalarColumn(property.Property, symbols))
                    {
                        return false;
                    }

                    break;
                case IPropertyReferenceOperation { Property.IsStatic: true }:
                    // DateTime.UtcNow and friends: a different value per row in the loop, the server's clock in SQL.
                    return false;
                case IPropertyReferenceOperation or IFieldReferenceOperation:
                    if (loop.DependsOnElement(node))
                    {
                        return false;
                    }

                    break;
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    // The element only as the owner of a column read (handled above); other variables must come from outside the loop.
                    if (IsReferenceTo(node, element))
                    {
                        if (node.Parent is not IPropertyReferenceOperation)
                        {
                            return false;
                        }
                    }
                    else if (node is ILocalReferenceOperation local && loop.IsDeclaredInBody(local.Local))
                    {
                        // A local of the body holds a per-iteration value.
                        return false;
                    }

                    break;
                default:
                    if (!node.ConstantValue.HasValue)
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>A column EF Core maps directly: a writable instance property of a value type, <see cref="string"/> or <c>byte[]</c>.</summary>
    internal static bool IsScalarColumn(IPropertySymbol property, EfCoreSymbols symbols)
        => !property.IsStatic && !property.IsIndexer && property.SetMethod is not null
            && (property.Type.IsValueType
                || property.Type.SpecialType == SpecialType.System_String
                || property.Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte });

    private static bool IsReferenceTo(IOperation operation, ISymbol symbol)
        => operation.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
            _ => false,
        };

    private static ITypeSymbol? GetType(ISymbol symbol)
        => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };

    private sealed class AnalyzerContext(EfCompilation ef)
    {
        public void AnalyzeLoop(SyntaxNodeAnalysisContext context)
        {
            if (SyntaxFilter.OnlyAssigns(((CommonForEachStatementSyntax)context.Node).Statement, name => IsUpdateName(context, name))
                && context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is IForEachLoopOperation forEach
                && Loop.TryCreate(forEach, ef.Symbols) is { } loop)
            {
                Analyze(context, loop);
            }
        }

        public void AnalyzeInvocation(SyntaxNodeAnalysisContext context)
        {
            var syntax = (InvocationExpressionSyntax)context.Node;
            if (SyntaxFilter.GetInvokedName(syntax) is "ForEach" or "ForEachAsync" or "Select"
                && SyntaxFilter.OnlyAssigns(SyntaxFilter.GetLambdaBody(syntax), name => IsUpdateName(context, name))
                && context.SemanticModel.GetOperation(syntax, context.CancellationToken) is IInvocationOperation invocation
                && Loop.TryCreate(invocation, ef.Symbols) is { } loop)
            {
                Analyze(context, loop);
            }
        }

        private bool IsUpdateName(SyntaxNodeAnalysisContext context, string name)
            => name is "Update" or "UpdateRange" or "Attach" or "AttachRange"
                || ef.MayForward(name, ForwardedWrite.Update, context.Options, context.Node.SyntaxTree, DiagnosticIds.PerEntityUpdateLoop, context.CancellationToken);

        private void Analyze(SyntaxNodeAnalysisContext context, Loop loop)
        {
            var smallSetMax = RuleOptions.GetInt32(context.Options, loop.Operation.Syntax.SyntaxTree, DiagnosticIds.PerEntityUpdateLoop, LoopSource.SmallSetMaxOption, LoopSource.DefaultSmallSetMax);
            var facts = LoopFacts.For(ef, context.Options, loop.Operation.Syntax.SyntaxTree, DiagnosticIds.PerEntityUpdateLoop, context.CancellationToken);
            if (TryMatch(loop, ef.Symbols, smallSetMax, facts, out var match))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.PerEntityUpdateLoop, loop.KeywordLocation, match.EntityType.Name, match.Source.Description));
            }
        }
    }
}

/// <summary>One assignment of a BS1003 loop body: the write (simple, compound, increment or decrement) and the column it sets.</summary>
internal sealed class ColumnAssignment(IOperation write, IPropertySymbol column)
{
    /// <summary>The <see cref="ISimpleAssignmentOperation"/>, <see cref="ICompoundAssignmentOperation"/> or <see cref="IIncrementOrDecrementOperation"/>.</summary>
    public IOperation Write { get; } = write;

    /// <summary>The assigned column.</summary>
    public IPropertySymbol Column { get; } = column;
}

/// <summary>What <see cref="PerEntityUpdateLoopAnalyzer"/> found: the loop, its set, the entity, and the column assignments.</summary>
internal sealed class PerEntityUpdate(Loop loop, LoopSource source, ITypeSymbol entityType, IReadOnlyList<ColumnAssignment> assignments, bool updatesThroughWrapper)
{
    /// <summary>The loop.</summary>
    public Loop Loop { get; } = loop;

    /// <summary>What it iterates: an EF Core query or a navigation collection.</summary>
    public LoopSource Source { get; } = source;

    /// <summary>The updated entity type.</summary>
    public ITypeSymbol EntityType { get; } = entityType;

    /// <summary>The body's assignments, in order.</summary>
    public IReadOnlyList<ColumnAssignment> Assignments { get; } = assignments;

    /// <summary>The body marks the element updated through a user's wrapper, whose other effects a rewrite cannot see.</summary>
    public bool UpdatesThroughWrapper { get; } = updatesThroughWrapper;
}
