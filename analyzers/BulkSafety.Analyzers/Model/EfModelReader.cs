using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// Reads the EF Core model of a compilation the way EF builds it: entity types from DbSet properties, <c>Set&lt;T&gt;()</c>,
/// <c>Entity&lt;T&gt;()</c>, applied <c>IEntityTypeConfiguration&lt;T&gt;</c> classes and navigations; mapped properties;
/// relationships with EF's defaults; bookkeeping writes; and which string/byte[] columns are unbounded.
/// </summary>
/// <remarks>
/// The model spans the whole compilation, so the reader asks the compilation for the semantic model of each tree it
/// reads. Under the analyzer driver that is the driver's cached model (the same one every analyzer callback gets), so
/// nothing is bound twice; the reader only binds the bodies that configure the model and the statements that can be
/// bookkeeping, which a cheap syntax filter picks first.
/// </remarks>
internal sealed class EfModelReader
{
    private readonly Compilation compilation;
    private readonly EfCoreSymbols symbols;
    private readonly CancellationToken cancellationToken;
    private readonly ModelConfiguration configuration = new();
    private readonly Dictionary<SyntaxTree, SemanticModel> semanticModels = new();
    private readonly HashSet<INamedTypeSymbol> roots = new(SymbolEqualityComparer.Default);
    private readonly HashSet<INamedTypeSymbol> entities = new(SymbolEqualityComparer.Default);
    private readonly List<SyntaxNode> bookkeepingCandidates = new();
    private readonly List<(INamedTypeSymbol Entity, string Name)> dbSetNames = new();
    private readonly Dictionary<INamedTypeSymbol, Location> dbSetLocations = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, Location> configurationClassLocations = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, Location> setCallLocations = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IAssemblySymbol> assembliesConfiguredElsewhere = new(SymbolEqualityComparer.Default);

    private EfModelReader(Compilation compilation, EfCoreSymbols symbols, CancellationToken cancellationToken)
    {
        this.compilation = compilation;
        this.symbols = symbols;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>Reads the whole model of <paramref name="compilation"/>. Prefer <see cref="EfCompilation.GetModel"/>, which reads it once per compilation.</summary>
    public static EfModel Read(Compilation compilation, EfCoreSymbols symbols, CancellationToken cancellationToken)
        => Complete(compilation, symbols, ReadMapping(compilation, symbols, cancellationToken), cancellationToken);

    /// <summary>Reads what the configuration decides. Prefer <see cref="EfCompilation.GetMapping"/>, which reads it once per compilation.</summary>
    public static EfMapping ReadMapping(Compilation compilation, EfCoreSymbols symbols, CancellationToken cancellationToken)
        => new EfModelReader(compilation, symbols, cancellationToken).ReadMapping();

    /// <summary>
    /// Completes <paramref name="mapping"/> with its bookkeeping: binds the candidate statements (the costly part, and
    /// only the few that <see cref="BookkeepingCandidates"/> kept) and marks the columns of the rows they rewrite hot.
    /// </summary>
    public static EfModel Complete(Compilation compilation, EfCoreSymbols symbols, EfMapping mapping, CancellationToken cancellationToken)
    {
        var semanticModels = new Dictionary<SyntaxTree, SemanticModel>();
        var operations = new List<IOperation>();
        foreach (var node in mapping.BookkeepingCandidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!semanticModels.TryGetValue(node.SyntaxTree, out var semanticModel))
            {
                semanticModels[node.SyntaxTree] = semanticModel = compilation.GetSemanticModel(node.SyntaxTree);
            }

            if (semanticModel.GetOperation(node, cancellationToken) is { } operation)
            {
                operations.Add(operation);
            }
        }

        var entities = new HashSet<INamedTypeSymbol>(mapping.EntityTypes, SymbolEqualityComparer.Default);
        var bookkeeping = new BookkeepingReader(symbols, mapping.Configuration, entities, mapping.Relationships, mapping.EntitiesByTableName).Read(operations);
        var columns = new ColumnReader(symbols, mapping.Configuration, mapping.EntityTypes, mapping.Relationships).WithHotRows(mapping.UnboundedColumns, bookkeeping);
        return new EfModel(mapping, bookkeeping, columns);
    }

    private EfMapping ReadMapping()
    {
        var sourceTypes = SourceTypes(compilation.Assembly.GlobalNamespace).ToList();
        ReadConfiguration(sourceTypes);
        ScanStatements();
        DiscoverEntities(sourceTypes);
        var relationships = new RelationshipReader(symbols, configuration, entities, MappingLocation).Read();
        var columns = new ColumnReader(symbols, configuration, entities, relationships).Read(MappingLocation, assembliesConfiguredElsewhere);
        var tablesByName = BookkeepingReader.TablesByName(TableNames());
        var filter = new BookkeepingCandidates(symbols, relationships, sourceTypes, tablesByName);
        var candidates = ImmutableArray.CreateBuilder<SyntaxNode>();
        var rewritable = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var node in bookkeepingCandidates)
        {
            var written = filter.PrincipalsPossiblyWritten(node).ToList();
            if (written.Count > 0)
            {
                candidates.Add(node);
                rewritable.UnionWith(written);
            }
        }

        return new EfMapping(
            entities.ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default), relationships, columns, UniqueKeys(), candidates.ToImmutable(),
            rewritable.ToImmutableArray(), configuration, tablesByName);
    }

    /// <summary>
    /// Each entity's unique keys, as property names: the primary key (<c>HasKey</c>, <c>[PrimaryKey]</c>, <c>[Key]</c>, or
    /// EF's <c>Id</c>/<c>&lt;Type&gt;Id</c> convention; none for <c>[Keyless]</c>), alternate keys and unique indexes
    /// (<c>HasIndex(...).IsUnique()</c>, <c>[Index(..., IsUnique = true)]</c>).
    /// </summary>
    private ImmutableDictionary<INamedTypeSymbol, ImmutableArray<ImmutableArray<string>>> UniqueKeys()
    {
        var keys = ImmutableDictionary.CreateBuilder<INamedTypeSymbol, ImmutableArray<ImmutableArray<string>>>(SymbolEqualityComparer.Default);
        foreach (var entity in entities)
        {
            var entityKeys = new List<ImmutableArray<string>> { PrimaryKey(entity) };
            for (var current = entity; current is not null; current = current.BaseType)
            {
                entityKeys.AddRange(configuration.AlternateKeys.TryGetValue(current, out var alternates) ? alternates : []);
                entityKeys.AddRange(configuration.UniqueIndexes.TryGetValue(current, out var indexes) ? indexes : []);
                entityKeys.AddRange(current.GetAttributes()
                    .Where(a => EfCoreSymbols.DerivesFrom(a.AttributeClass, symbols.IndexAttribute) && a.NamedArguments.Any(n => n.Key == "IsUnique" && n.Value.Value is true))
                    .Select(AttributeNames));
            }

            keys[entity] = entityKeys.Where(k => !k.IsDefaultOrEmpty).ToImmutableArray();
        }

        return keys.ToImmutable();
    }

    private ImmutableArray<string> PrimaryKey(INamedTypeSymbol entity)
    {
        var chain = TypeAndBases(entity).ToList();
        if (chain.Any(t => EfCoreSymbols.HasAttribute(t, symbols.KeylessAttribute)))
        {
            return ImmutableArray<string>.Empty;
        }

        foreach (var type in chain)
        {
            if (configuration.PrimaryKeys.TryGetValue(type, out var configured))
            {
                return configured;
            }

            if (EfCoreSymbols.FindAttribute(type, symbols.PrimaryKeyAttribute) is { } primaryKey)
            {
                return AttributeNames(primaryKey);
            }
        }

        var mapped = MappedProperties.Of(entity, symbols, configuration).ToList();
        var annotated = mapped.Where(p => EfCoreSymbols.HasAttribute(p, symbols.KeyAttribute)).Select(p => p.Name).ToImmutableArray();
        if (!annotated.IsEmpty)
        {
            return annotated;
        }

        var byConvention = mapped.FirstOrDefault(p => string.Equals(p.Name, "Id", StringComparison.OrdinalIgnoreCase))
            ?? mapped.FirstOrDefault(p => chain.Any(t => string.Equals(p.Name, t.Name + "Id", StringComparison.OrdinalIgnoreCase)));
        return byConvention is null ? ImmutableArray<string>.Empty : ImmutableArray.Create(byConvention.Name);
    }

    // [PrimaryKey("A", "B")], [Index("A", "B")]: a name and a params array of more names.
    private static ImmutableArray<string> AttributeNames(AttributeData attribute)
        => attribute.ConstructorArguments.SelectMany(a => a.Kind == TypedConstantKind.Array ? a.Values : ImmutableArray.Create(a))
            .Select(v => v.Value as string).OfType<string>().ToImmutableArray();

    private static IEnumerable<INamedTypeSymbol> TypeAndBases(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    private static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceSymbol ns)
    {
        foreach (var member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (var type in SourceTypes(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                foreach (var nested in WithNested(type))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        yield return type;
        foreach (var nested in type.GetTypeMembers().SelectMany(WithNested))
        {
            yield return nested;
        }
    }

    private SemanticModel SemanticModelFor(SyntaxTree tree)
    {
        if (!semanticModels.TryGetValue(tree, out var model))
        {
            semanticModels[tree] = model = compilation.GetSemanticModel(tree);
        }

        return model;
    }

    /// <summary>Reads OnModelCreating, ConfigureConventions, helper methods taking a builder, and the applied configuration classes.</summary>
    private void ReadConfiguration(List<INamedTypeSymbol> sourceTypes)
    {
        var reader = new ConfigurationReader(symbols, configuration);
        var configurationClasses = sourceTypes.Where(t => t.TypeKind == TypeKind.Class && !t.IsAbstract && symbols.ConfiguredEntityTypes(t).Any()).ToList();
        foreach (var type in sourceTypes)
        {
            var isContext = symbols.IsDbContext(type);
            if (isContext)
            {
                ReadDbSets(type);
            }

            var isConfigurationClass = configurationClasses.Contains(type, SymbolEqualityComparer.Default);
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                var configures = isContext && method.Name is "OnModelCreating" or "ConfigureConventions"
                    || (!isConfigurationClass && method.Parameters.Any(p => IsBuilder(p.Type)));
                if (configures)
                {
                    ReadBody(method, reader);
                }
            }
        }

        foreach (var type in configurationClasses)
        {
            if (!configuration.AppliesConfigurationsFromAssembly && !configuration.AppliedConfigurations.Contains(type))
            {
                continue;
            }

            foreach (var entity in symbols.ConfiguredEntityTypes(type))
            {
                roots.Add(entity);
                if (!configurationClassLocations.ContainsKey(entity))
                {
                    configurationClassLocations[entity] = type.Locations.First(l => l.IsInSource);
                }
            }

            foreach (var method in type.GetMembers("Configure").OfType<IMethodSymbol>())
            {
                ReadBody(method, reader);
            }
        }
    }

    /// <summary>
    /// The DbSet properties of a context and of its base types, a package's base included (<c>IdentityDbContext&lt;TUser&gt;</c>
    /// declares <c>Users</c>, <c>Roles</c>...). A base from another assembly configures its entities in an
    /// <c>OnModelCreating</c> this reader cannot see: the columns of types from that assembly are left alone.
    /// </summary>
    private void ReadDbSets(INamedTypeSymbol context)
    {
        for (var type = context; type is not null && !SymbolEqualityComparer.Default.Equals(type, symbols.DbContext); type = type.BaseType)
        {
            if (!type.Locations.Any(l => l.IsInSource))
            {
                // IdentityDbContext<AppUser> configures AppUser's IdentityUser part: the base's assembly and those of the
                // bases of its type arguments.
                assembliesConfiguredElsewhere.Add(type.ContainingAssembly);
                foreach (var argument in type.TypeArguments.OfType<INamedTypeSymbol>())
                {
                    for (var baseType = argument.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
                    {
                        if (!baseType.Locations.Any(l => l.IsInSource))
                        {
                            assembliesConfiguredElsewhere.Add(baseType.ContainingAssembly);
                        }
                    }
                }
            }

            foreach (var set in type.GetMembers().OfType<IPropertySymbol>().Where(p => symbols.IsDbSet(p.Type)))
            {
                if (set.Type is INamedTypeSymbol { TypeArguments.Length: 1 } setType && setType.TypeArguments[0] is INamedTypeSymbol entity)
                {
                    roots.Add(entity);
                    dbSetNames.Add((entity, set.Name));
                    if (set.Locations.FirstOrDefault(l => l.IsInSource) is { } location && !dbSetLocations.ContainsKey(entity))
                    {
                        dbSetLocations[entity] = location;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Where the current compilation maps <paramref name="entity"/>, for diagnostics about an entity declared in another
    /// assembly: its <c>Entity&lt;T&gt;()</c> call, its configuration class, its <c>DbSet</c> property, or a <c>Set&lt;T&gt;()</c> call.
    /// </summary>
    private Location? MappingLocation(INamedTypeSymbol entity)
        => configuration.EntityCalls.TryGetValue(entity, out var call) ? call
            : configurationClassLocations.TryGetValue(entity, out var configurationClass) ? configurationClass
            : dbSetLocations.TryGetValue(entity, out var dbSet) ? dbSet
            : setCallLocations.TryGetValue(entity, out var setCall) ? setCall
            : null;

    private bool IsBuilder(ITypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(type, symbols.ModelBuilder)
            || SymbolEqualityComparer.Default.Equals(type, symbols.ModelConfigurationBuilder)
            || ConfigurationReader.EntityOfBuilder(type) is not null;

    private void ReadBody(IMethodSymbol method, ConfigurationReader reader)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var syntax = reference.GetSyntax(cancellationToken);
            if (SemanticModelFor(syntax.SyntaxTree).GetOperation(syntax, cancellationToken) is { } body)
            {
                reader.ReadBody(body);
            }
        }
    }

    /// <summary>
    /// One syntax pass over every tree: <c>Set&lt;T&gt;()</c> calls (entity roots), bound at once unless a <c>DbSet</c>
    /// property returns them, and the statements that have the shape of bookkeeping
    /// (<see cref="BookkeepingCandidates.HasBookkeepingShape"/>), kept as syntax until the relationships are known.
    /// </summary>
    private void ScanStatements()
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var root = tree.GetRoot(cancellationToken);
            foreach (var node in root.DescendantNodes())
            {
                if (BookkeepingCandidates.HasBookkeepingShape(node))
                {
                    bookkeepingCandidates.Add(node);
                }
                else if (node is InvocationExpressionSyntax invocation && SyntaxFilter.GetInvokedName(invocation) == "Set" && !IsInDbSetProperty(invocation)
                    && SemanticModelFor(tree).GetOperation(node, cancellationToken) is IInvocationOperation { TargetMethod: { Name: "Set", IsGenericMethod: true } set }
                    && symbols.IsDbContext(set.ContainingType) && set.TypeArguments[0] is INamedTypeSymbol entity)
                {
                    roots.Add(entity);
                    if (!setCallLocations.ContainsKey(entity))
                    {
                        setCallLocations[entity] = Operations.NameLocation(node);
                    }
                }
            }
        }
    }

    // public DbSet<Group> Groups => Set<Group>(): the property already made Group a root.
    private static bool IsInDbSetProperty(SyntaxNode node)
        => node.FirstAncestorOrSelf<PropertyDeclarationSyntax>() is { Type: GenericNameSyntax { Identifier.ValueText: "DbSet" } };

    /// <summary>Roots plus everything reachable through navigations, minus ignored and [NotMapped] types; owned types included.</summary>
    private void DiscoverEntities(List<INamedTypeSymbol> sourceTypes)
    {
        foreach (var owned in sourceTypes.Where(t => EfCoreSymbols.HasAttribute(t, symbols.OwnedAttribute) || EfCoreSymbols.HasAttribute(t, symbols.ComplexTypeAttribute)))
        {
            configuration.OwnedTypes.Add(owned);
        }

        roots.UnionWith(configuration.Entities);
        var queue = new Queue<INamedTypeSymbol>(roots.Concat(configuration.OwnersOfOwnedOne.Keys).Concat(configuration.OwnedMany));
        while (queue.Count > 0)
        {
            var entity = queue.Dequeue();
            if (!CanBeEntity(entity) || configuration.IgnoredTypes.Contains(entity) || EfCoreSymbols.HasAttribute(entity, symbols.NotMappedAttribute) || !entities.Add(entity))
            {
                continue;
            }

            foreach (var property in MappedProperties.Of(entity, symbols, configuration))
            {
                if (ConfigurationReader.NavigationTarget(property.Type) is not { } target || !CanBeEntity(target))
                {
                    continue;
                }

                if (EfCoreSymbols.HasAttribute(target, symbols.OwnedAttribute) || EfCoreSymbols.HasAttribute(target, symbols.ComplexTypeAttribute))
                {
                    configuration.OwnedTypes.Add(target);
                }

                var isCollection = !SymbolEqualityComparer.Default.Equals(target, property.Type);
                if (configuration.OwnedTypes.Contains(target))
                {
                    if (isCollection)
                    {
                        configuration.OwnedMany.Add(target);
                    }
                    else
                    {
                        ModelConfiguration.AddTo(configuration.OwnersOfOwnedOne, target, entity, SymbolEqualityComparer.Default);
                    }
                }

                queue.Enqueue(target);
            }
        }
    }

    /// <summary>The names raw SQL may use for an entity's table, most specific first: configured, DbSet, type name (plural).</summary>
    private IEnumerable<(INamedTypeSymbol Entity, string Name)> TableNames()
    {
        foreach (var pair in configuration.TableNames)
        {
            yield return (pair.Key, pair.Value);
        }

        foreach (var entity in entities)
        {
            if (EfCoreSymbols.FirstArgument(EfCoreSymbols.FindAttribute(entity, symbols.TableAttribute)) is string name)
            {
                yield return (entity, name);
            }
        }

        foreach (var pair in dbSetNames)
        {
            yield return pair;
        }

        foreach (var entity in entities)
        {
            yield return (entity, entity.Name);
            yield return (entity, entity.Name + "s");
        }
    }

    // A class of this compilation or of a referenced one (a Domain assembly's entities), not the framework's own types.
    private static bool CanBeEntity(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.SpecialType != SpecialType.None)
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return type.Locations.Any(l => l.IsInSource) || (ns != "System" && !ns.StartsWith("System.", StringComparison.Ordinal));
    }
}
