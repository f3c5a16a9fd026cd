using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>What a loop iterates, as far as the code proves it. See <see cref="LoopSource"/>.</summary>
internal enum LoopSourceKind
{
    /// <summary>Nothing provable: a method's result, a collection built locally, a <c>Take</c> with a computed count.</summary>
    Unknown,

    /// <summary>An EF Core query (a <c>DbSet</c>, <c>Set&lt;T&gt;()</c>, <c>FromSql</c>...) without a small bound, materialized or not.</summary>
    EfQuery,

    /// <summary>A collection navigation such as <c>group.Posts</c>, filtered or not.</summary>
    NavigationCollection,

    /// <summary>A collection the caller passes in.</summary>
    Parameter,

    /// <summary>A collection held in a field.</summary>
    Field,

    /// <summary>
    /// Proven small by <c>Take(n)</c> with a constant <c>n</c> no larger than the configured bound, an element of
    /// <see cref="Batches"/>, a filter on a unique key by <c>Contains</c> over a short literal list, or a navigation
    /// collection named in <c>small_navigations</c>.
    /// </summary>
    Bounded,

    /// <summary>At most one entity: <c>First</c>, <c>Single</c>, <c>Last</c>, <c>ElementAt</c>, <c>Find</c> (and their async forms).</summary>
    SingleEntity,

    /// <summary>An EF Core query filtered by primary-key equality (<c>Where(g =&gt; g.Id == id)</c>): at most one row.</summary>
    KeyFilteredQuery,

    /// <summary>An array or collection literal with no more elements than the configured bound (directly, or through a local or read-only field).</summary>
    LiteralCollection,

    /// <summary><c>Chunk(n)</c> with a constant <c>n</c> no larger than the bound: each element is one bounded batch.</summary>
    Batches,

    /// <summary><c>ChangeTracker.Entries()</c>: what the current unit of work already tracks (audit and bookkeeping loops).</summary>
    ChangeTrackerEntries,
}

/// <summary>
/// The classification of a loop's collection: is it provably small, is it one of the large sets the rules warn about
/// (an EF query without a small bound, a navigation collection, a parameter, a field), or unknown.
/// </summary>
/// <remarks>
/// Promises: <see cref="Classify"/> never throws on half-typed code and returns <see cref="LoopSourceKind.Unknown"/>
/// whenever it cannot prove anything, so rules that warn only on <see cref="IsLarge"/> stay quiet on what they cannot
/// see. A LINQ chain is read from the outermost call inwards: a bound anywhere (<c>Take</c>, <c>First</c>, a key filter)
/// makes the set small, except below a <c>SelectMany</c>, which multiplies what was bounded. Locals are followed
/// through every write in the member (large if any write is large, small if all are small). "Small" means no more
/// elements than <c>small_set_max</c> (default <see cref="DefaultSmallSetMax"/>), or one entity per key.
/// </remarks>
internal sealed class LoopSource
{
    /// <summary>The default of the <c>small_set_max</c> option: the largest <c>Take(n)</c> or literal that counts as small.</summary>
    public const int DefaultSmallSetMax = 1000;

    /// <summary>The <c>.editorconfig</c> option name (<c>dotnet_code_quality.BS1001.small_set_max</c>) every loop rule reads.</summary>
    public const string SmallSetMaxOption = "small_set_max";

    private const int MaxLocalDepth = 4;

    private static readonly LoopSource UnknownSource = new(LoopSourceKind.Unknown);

    private LoopSource(LoopSourceKind kind, ISymbol? symbol = null, ITypeSymbol? entityType = null)
    {
        Kind = kind;
        Symbol = symbol;
        EntityType = entityType;
    }

    /// <summary>What the collection is.</summary>
    public LoopSourceKind Kind { get; }

    /// <summary>The parameter, field or navigation property for those kinds; otherwise <see langword="null"/>.</summary>
    public ISymbol? Symbol { get; }

    /// <summary>For <see cref="LoopSourceKind.EfQuery"/>: the entity type of the queried <c>DbSet</c>.</summary>
    public ITypeSymbol? EntityType { get; }

    /// <summary>The query includes navigations (<c>Include</c>/<c>ThenInclude</c>): the code relies on loaded dependents.</summary>
    public bool HasInclude { get; private set; }

    /// <summary>The query does not track what it returns (<c>AsNoTracking</c>): assignments to its elements are not saved.</summary>
    public bool IsNoTracking { get; private set; }

    /// <summary>The elements are not the queried entities (<c>Select</c>, <c>SelectMany</c>, <c>Cast</c>, <c>OfType</c>).</summary>
    public bool ProjectsElements { get; private set; }

    /// <summary>The local the collection was traced through, when the loop iterates a variable.</summary>
    public ILocalSymbol? Local { get; private set; }

    /// <summary>A set the loop rules warn about: an EF query without a small bound, a navigation collection, a parameter, a field.</summary>
    public bool IsLarge => Kind is LoopSourceKind.EfQuery or LoopSourceKind.NavigationCollection or LoopSourceKind.Parameter or LoopSourceKind.Field;

    /// <summary>A set proven small: bounded, one entity, key-filtered, a short literal, one batch per iteration.</summary>
    public bool IsProvablySmall => Kind is LoopSourceKind.Bounded or LoopSourceKind.SingleEntity or LoopSourceKind.KeyFilteredQuery
        or LoopSourceKind.LiteralCollection or LoopSourceKind.Batches;

    /// <summary>A phrase for diagnostic messages: "an EF Core query of Group without a small bound", "the navigation collection 'Group.Posts'".</summary>
    public string Description => Kind switch
    {
        LoopSourceKind.EfQuery => $"an EF Core query of {EntityType?.Name ?? "entities"} without a small bound",
        LoopSourceKind.NavigationCollection => $"the navigation collection '{Symbol?.ContainingType?.Name}.{Symbol?.Name}'",
        LoopSourceKind.Parameter => $"the caller-supplied collection '{Symbol?.Name}'",
        LoopSourceKind.Field => $"the field '{Symbol?.Name}'",
        LoopSourceKind.Bounded => "a bounded set",
        LoopSourceKind.SingleEntity => "a single entity",
        LoopSourceKind.KeyFilteredQuery => "a query filtered by key",
        LoopSourceKind.LiteralCollection => "a literal collection",
        LoopSourceKind.Batches => "bounded batches",
        LoopSourceKind.ChangeTrackerEntries => "the change tracker's entries",
        _ => "a collection that is not provably small",
    };

    /// <summary>
    /// Classifies <paramref name="collection"/> (a loop's <see cref="Loop.Collection"/>, or any collection-valued
    /// expression). <paramref name="facts"/> brings the EF mapping's keys and the navigations small by configuration;
    /// without them keys are EF's conventions as far as the code shows them.
    /// </summary>
    public static LoopSource Classify(IOperation? collection, EfCoreSymbols symbols, int smallSetMax, LoopFacts? facts = null)
        => collection is null ? UnknownSource : ClassifyChain(collection, symbols, smallSetMax, facts, depth: 0);

    private static LoopSource ClassifyChain(IOperation collection, EfCoreSymbols symbols, int smallSetMax, LoopFacts? facts, int depth)
    {
        var hasInclude = false;
        var isNoTracking = false;
        var projects = false;
        var multiplied = false;
        var current = collection;
        while (true)
        {
            current = current.WalkDownValueWrappers();
            switch (current)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (method.Name == "Set" && method.IsGenericMethod && symbols.IsDbContext(method.ContainingType))
                    {
                        return Finish(new LoopSource(LoopSourceKind.EfQuery, entityType: method.TypeArguments[0]));
                    }

                    if (method.Name == "Entries" && SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.ChangeTracker))
                    {
                        return new LoopSource(LoopSourceKind.ChangeTrackerEntries);
                    }

                    var receiver = invocation.GetReceiver();
                    if (receiver is null)
                    {
                        return UnknownSource;
                    }

                    switch (method.Name)
                    {
                        case "Take":
                            if (!multiplied)
                            {
                                var count = TryGetConstantCount(invocation);
                                if (count is null)
                                {
                                    // A computed bound is deliberate; we cannot prove it is large.
                                    return UnknownSource;
                                }

                                if (count <= smallSetMax)
                                {
                                    return new LoopSource(LoopSourceKind.Bounded);
                                }
                            }

                            break;
                        case "First" or "FirstOrDefault" or "Single" or "SingleOrDefault" or "Last" or "LastOrDefault" or "ElementAt" or "ElementAtOrDefault"
                            or "FirstAsync" or "FirstOrDefaultAsync" or "SingleAsync" or "SingleOrDefaultAsync" or "LastAsync" or "LastOrDefaultAsync"
                            or "ElementAtAsync" or "ElementAtOrDefaultAsync" or "Find" or "FindAsync":
                            return multiplied ? UnknownSource : new LoopSource(LoopSourceKind.SingleEntity);
                        case "Chunk":
                            var size = TryGetConstantCount(invocation);
                            return size is not null && size <= smallSetMax ? new LoopSource(LoopSourceKind.Batches) : UnknownSource;
                        case "Where":
                            if (!multiplied && ClassifyFilter(invocation, symbols, smallSetMax, facts, depth) is { } bounded)
                            {
                                return bounded;
                            }

                            break;
                        case "SelectMany":
                            multiplied = true;
                            projects = true;
                            break;
                        case "Select" when IsIdentity(invocation):
                            // from g in db.Groups select g: query syntax's degenerate select keeps the entities.
                            break;
                        case "Select" or "Cast" or "OfType" or "GroupBy":
                            projects = true;
                            break;
                        case "Include" or "ThenInclude":
                            hasInclude = true;
                            break;
                        case "AsNoTracking" or "AsNoTrackingWithIdentityResolution":
                            isNoTracking = true;
                            break;
                        case "ToList" or "ToListAsync" or "ToArray" or "ToArrayAsync" or "ToHashSet" or "ToHashSetAsync" or "AsEnumerable" or "AsAsyncEnumerable"
                            or "AsQueryable" or "WithCancellation" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Order" or "OrderDescending"
                            or "Skip" or "Distinct" or "Reverse" or "AsTracking" or "AsSplitQuery" or "AsSingleQuery" or "IgnoreQueryFilters" or "IgnoreAutoIncludes"
                            or "TagWith" or "TagWithCallSite" or "FromSql" or "FromSqlRaw" or "FromSqlInterpolated":
                            break;
                        default:
                            return UnknownSource;
                    }

                    current = receiver;
                    continue;

                case IPropertyReferenceOperation property:
                    if (TryGetDbSetEntity(property.Type, symbols) is { } propertyEntity)
                    {
                        return Finish(new LoopSource(LoopSourceKind.EfQuery, entityType: propertyEntity));
                    }

                    if (!IsCollectionNavigation(property.Property, symbols, facts))
                    {
                        return UnknownSource;
                    }

                    return facts?.IsSmallNavigation(property.Property) == true
                        ? new LoopSource(LoopSourceKind.Bounded)
                        : Finish(new LoopSource(LoopSourceKind.NavigationCollection, property.Property));

                case IFieldReferenceOperation field:
                    if (TryGetDbSetEntity(field.Type, symbols) is { } fieldEntity)
                    {
                        return Finish(new LoopSource(LoopSourceKind.EfQuery, entityType: fieldEntity));
                    }

                    return IsShortLiteralField(field.Field, smallSetMax)
                        ? new LoopSource(LoopSourceKind.LiteralCollection)
                        : Finish(new LoopSource(LoopSourceKind.Field, field.Field));

                case IParameterReferenceOperation parameter:
                    return TryGetDbSetEntity(parameter.Type, symbols) is { } parameterEntity
                        ? Finish(new LoopSource(LoopSourceKind.EfQuery, entityType: parameterEntity))
                        : Finish(new LoopSource(LoopSourceKind.Parameter, parameter.Parameter));

                case ILocalReferenceOperation local:
                    if (TryGetDbSetEntity(local.Type, symbols) is { } localEntity)
                    {
                        return Finish(new LoopSource(LoopSourceKind.EfQuery, entityType: localEntity));
                    }

                    return depth >= MaxLocalDepth ? UnknownSource : Finish(ClassifyLocal(local, symbols, smallSetMax, facts, depth));

                case IArrayCreationOperation { Initializer: { } initializer }:
                    return Literal(initializer.ElementValues.Length, smallSetMax);
                // Roslyn 4.8 has collection expressions but no operation for them yet, so read the syntax.
                case { Syntax: CollectionExpressionSyntax collectionExpression }:
                    return collectionExpression.Elements.Any(e => e is SpreadElementSyntax)
                        ? UnknownSource
                        : Literal(collectionExpression.Elements.Count, smallSetMax);
                case IObjectCreationOperation { Initializer: IObjectOrCollectionInitializerOperation initializer } when initializer.Initializers.All(i => i is IInvocationOperation):
                    return Literal(initializer.Initializers.Length, smallSetMax);
                default:
                    return UnknownSource;
            }
        }

        LoopSource Finish(LoopSource source)
        {
            if (source.Kind is LoopSourceKind.EfQuery or LoopSourceKind.NavigationCollection or LoopSourceKind.Parameter or LoopSourceKind.Field)
            {
                source.HasInclude |= hasInclude;
                source.IsNoTracking |= isNoTracking;
                source.ProjectsElements |= projects;
            }

            return source;
        }
    }

    private static LoopSource Literal(int count, int smallSetMax)
        => count <= smallSetMax ? new LoopSource(LoopSourceKind.LiteralCollection) : UnknownSource;

    // Every write to the local counts: large if any write is large, small if all are small, unknown otherwise.
    private static LoopSource ClassifyLocal(ILocalReferenceOperation reference, EfCoreSymbols symbols, int smallSetMax, LoopFacts? facts, int depth)
    {
        var root = reference.GetRoot();
        LoopSource? small = null;
        var sawUnknown = false;
        foreach (var write in root.GetWrites(reference.Local))
        {
            if (write.WalkDownValueWrappers() is ILocalReferenceOperation self && SymbolEqualityComparer.Default.Equals(self.Local, reference.Local))
            {
                continue;
            }

            var source = ClassifyChain(write, symbols, smallSetMax, facts, depth + 1);
            if (source.IsLarge)
            {
                var traced = new LoopSource(source.Kind, source.Symbol, source.EntityType)
                {
                    HasInclude = source.HasInclude,
                    IsNoTracking = source.IsNoTracking,
                    ProjectsElements = source.ProjectsElements,
                    Local = reference.Local,
                };
                return traced;
            }

            if (source.IsProvablySmall)
            {
                small ??= source;
            }
            else
            {
                sawUnknown = true;
            }
        }

        if (small is null && !sawUnknown
            && Loop.FindDeclaringForEach(root, reference.Local) is { } declaringLoop
            && ClassifyChain(declaringLoop.Collection, symbols, smallSetMax, facts, depth + 1).Kind == LoopSourceKind.Batches)
        {
            // foreach (var batch in ids.Chunk(500)) foreach (var id in batch): each batch is bounded.
            return new LoopSource(LoopSourceKind.Bounded);
        }

        return small is not null && !sawUnknown ? small : UnknownSource;
    }

    private static int? TryGetConstantCount(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == (invocation.TargetMethod.IsExtensionMethod ? 1 : 0))
            {
                return argument.Value.ConstantValue is { HasValue: true, Value: int value } ? value : null;
            }
        }

        return null;
    }

    /// <summary>
    /// What a <c>Where</c> bounds: at most one row when its conjuncts pin every property of one of the entity's unique
    /// keys by equality (<c>g =&gt; g.Id == id</c>, <c>x =&gt; x.TenantId == t &amp;&amp; x.Code == c</c> for a composite key),
    /// at most a few when some are pinned by <c>Contains</c> over a short literal list (<c>new[] { 1, 2 }.Contains(g.Id)</c>);
    /// null when it bounds nothing.
    /// </summary>
    private static LoopSource? ClassifyFilter(IInvocationOperation where, EfCoreSymbols symbols, int smallSetMax, LoopFacts? facts, int depth)
    {
        if (where.GetLambdaArgument(1) is not { Symbol.Parameters.Length: 1 } lambda
            || lambda.Body.Operations.Length != 1
            || lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } predicate })
        {
            return null;
        }

        var entity = lambda.Symbol.Parameters[0];
        var pinned = new HashSet<string>(StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        CollectPinned(predicate, entity, pinned, listed, symbols, smallSetMax, facts, depth);
        var keys = facts?.UniqueKeysOf(entity.Type) ?? LoopFacts.ConventionalKeysOf(entity.Type);
        foreach (var key in keys)
        {
            if (key.All(p => pinned.Contains(p) || listed.Contains(p)))
            {
                return new LoopSource(key.Any(listed.Contains) ? LoopSourceKind.Bounded : LoopSourceKind.KeyFilteredQuery);
            }
        }

        return null;
    }

    // The entity's properties a predicate pins: by equality with a value that does not depend on the entity (pinned), or
    // to the elements of a short literal list (listed). Only conjunctions pin: a || b pins nothing.
    private static void CollectPinned(
        IOperation predicate, IParameterSymbol entity, HashSet<string> pinned, HashSet<string> listed, EfCoreSymbols symbols, int smallSetMax, LoopFacts? facts, int depth)
    {
        switch (predicate.WalkDownConversions())
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                CollectPinned(and.LeftOperand, entity, pinned, listed, symbols, smallSetMax, facts, depth);
                CollectPinned(and.RightOperand, entity, pinned, listed, symbols, smallSetMax, facts, depth);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equals:
                AddPinned(equals.LeftOperand, equals.RightOperand, entity, pinned);
                AddPinned(equals.RightOperand, equals.LeftOperand, entity, pinned);
                break;
            case IInvocationOperation { TargetMethod.Name: "Equals", Instance: { } instance, Arguments.Length: 1 } call:
                AddPinned(instance, call.Arguments[0].Value, entity, pinned);
                break;
            case IInvocationOperation { TargetMethod.Name: "Contains" } contains
                when contains.GetReceiver() is { } list && contains.Arguments.LastOrDefault()?.Value is { } value && !References(list, entity)
                    && MemberOf(value, entity) is { } property
                    && ClassifyChain(list, symbols, smallSetMax, facts, depth + 1).Kind == LoopSourceKind.LiteralCollection:
                listed.Add(property);
                break;
        }
    }

    private static void AddPinned(IOperation member, IOperation value, IParameterSymbol entity, HashSet<string> pinned)
    {
        if (MemberOf(member, entity) is { } property && !References(value, entity))
        {
            pinned.Add(property);
        }
    }

    // x.Code for the lambda's parameter x: the property's name.
    private static string? MemberOf(IOperation operation, IParameterSymbol entity)
        => operation.WalkDownConversions() is IPropertyReferenceOperation { Instance: IParameterReferenceOperation owner } property
            && SymbolEqualityComparer.Default.Equals(owner.Parameter, entity)
                ? property.Property.Name
                : null;

    private static bool References(IOperation operation, IParameterSymbol parameter)
        => operation.DescendantsAndSelf().OfType<IParameterReferenceOperation>().Any(p => SymbolEqualityComparer.Default.Equals(p.Parameter, parameter));

    // Select(g => g): what a query expression's select clause compiles to when it selects the range variable.
    private static bool IsIdentity(IInvocationOperation select)
        => select.GetLambdaArgument(1) is { Symbol.Parameters.Length: 1 } lambda
            && lambda.Body.Operations.Length == 1
            && lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } returned }
            && returned.WalkDownConversions() is IParameterReferenceOperation reference
            && SymbolEqualityComparer.Default.Equals(reference.Parameter, lambda.Symbol.Parameters[0]);

    /// <summary>EF Core's key convention as far as syntax shows it: <c>[Key]</c>, <c>Id</c> or <c>&lt;Type&gt;Id</c> (case-insensitive).</summary>
    internal static bool IsKeyProperty(IPropertySymbol property)
    {
        if (string.Equals(property.Name, "Id", StringComparison.OrdinalIgnoreCase)
            || string.Equals(property.Name, property.ContainingType.Name + "Id", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var attribute in property.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "KeyAttribute", ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.ComponentModel.DataAnnotations")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>T</c> of a <c>DbSet&lt;T&gt;</c> (or a type derived from one), or <see langword="null"/>.</summary>
    internal static ITypeSymbol? TryGetDbSetEntity(ITypeSymbol? type, EfCoreSymbols symbols)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, symbols.DbSet))
            {
                return current.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>
    /// A collection navigation: an instance property of an entity-like class (not a <c>DbContext</c>, not itself a
    /// collection such as a dictionary) whose type is a collection of entity-like classes, such as
    /// <c>List&lt;Post&gt; Posts</c> on <c>Group</c>. Entity-like means it has a key by EF Core's conventions
    /// (<see cref="HasConventionalKey"/>), which keeps view models, import contexts and dictionaries' <c>Values</c> out.
    /// </summary>
    internal static bool IsCollectionNavigation(IPropertySymbol property, EfCoreSymbols symbols, LoopFacts? facts = null)
    {
        if (property.IsStatic || property.IsIndexer)
        {
            return false;
        }

        // The EF mapping knows its entity types, those without a conventional key (composite keys, HasKey) included.
        if (facts is not null && facts.IsMappedEntity(property.ContainingType)
            && GetElementType(property.Type, symbols) is { } mappedElement && facts.IsMappedEntity(mappedElement))
        {
            return true;
        }

        return !symbols.IsDbContext(property.ContainingType)
            && GetElementType(property.ContainingType, symbols) is null
            && HasConventionalKey(property.ContainingType)
            && GetElementType(property.Type, symbols) is INamedTypeSymbol { TypeKind: TypeKind.Class, SpecialType: not SpecialType.System_String } element
            && HasConventionalKey(element);
    }

    /// <summary>Whether the type (or a base type) has a property EF Core would take as its key: <c>[Key]</c>, <c>Id</c>, <c>&lt;Type&gt;Id</c>.</summary>
    internal static bool HasConventionalKey(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false } property
                    && (IsKeyProperty(property) || string.Equals(property.Name, type.Name + "Id", StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The <c>T</c> of an <c>IEnumerable&lt;T&gt;</c> the type is or implements.</summary>
    internal static ITypeSymbol? GetElementType(ITypeSymbol type, EfCoreSymbols symbols)
    {
        if (type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, symbols.IEnumerableOfT))
        {
            return named.TypeArguments[0];
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, symbols.IEnumerableOfT))
            {
                return implemented.TypeArguments[0];
            }
        }

        return null;
    }

    // static readonly long[] Banned = { 1, 2, 3 }; read from syntax: no semantic model of another tree is needed.
    private static bool IsShortLiteralField(IFieldSymbol field, int smallSetMax)
    {
        if (!field.IsReadOnly)
        {
            return false;
        }

        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value })
            {
                var count = value switch
                {
                    ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions.Count,
                    ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions.Count,
                    InitializerExpressionSyntax initializer => initializer.Expressions.Count,
                    CollectionExpressionSyntax collection when collection.Elements.All(e => e is ExpressionElementSyntax) => collection.Elements.Count,
                    BaseObjectCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions.Count,
                    _ => (int?)null,
                };
                return count is not null && count <= smallSetMax;
            }
        }

        return false;
    }
}
