using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// The part of a compilation's EF Core model that its configuration decides — entity types, relationships with their
/// delete behavior, unbounded columns — read by binding only the configuring code (<c>OnModelCreating</c>, configuration
/// classes, <c>Set&lt;T&gt;()</c> calls). It also knows, from syntax alone, which principals any statement may rewrite as
/// bookkeeping (<see cref="MayBeRewritten"/>), so that rules ask for the costly <see cref="EfModel"/> only where it can
/// change their answer. Read once per compilation by <see cref="EfModelReader"/>; immutable and shared.
/// </summary>
internal sealed class EfMapping
{
    private readonly ILookup<SyntaxTree?, UnboundedColumn> columnsByTree;
    private readonly ILookup<SyntaxTree?, RelationshipModel> relationshipsByTree;
    private readonly ImmutableArray<INamedTypeSymbol> rewritablePrincipals;
    private readonly ImmutableDictionary<INamedTypeSymbol, ImmutableArray<ImmutableArray<string>>> uniqueKeys;

    public EfMapping(
        ImmutableHashSet<INamedTypeSymbol> entityTypes,
        ImmutableArray<RelationshipModel> relationships,
        ImmutableArray<UnboundedColumn> unboundedColumns,
        ImmutableDictionary<INamedTypeSymbol, ImmutableArray<ImmutableArray<string>>> uniqueKeys,
        ImmutableArray<SyntaxNode> bookkeepingCandidates,
        ImmutableArray<INamedTypeSymbol> rewritablePrincipals,
        ModelConfiguration configuration,
        IReadOnlyDictionary<string, INamedTypeSymbol> entitiesByTableName)
    {
        EntityTypes = entityTypes;
        Relationships = relationships;
        UnboundedColumns = unboundedColumns;
        this.uniqueKeys = uniqueKeys;
        BookkeepingCandidates = bookkeepingCandidates;
        this.rewritablePrincipals = rewritablePrincipals;
        Configuration = configuration;
        EntitiesByTableName = entitiesByTableName;
        columnsByTree = unboundedColumns.ToLookup(c => c.Location.SourceTree);
        relationshipsByTree = relationships.ToLookup(r => r.Location.SourceTree);
    }

    /// <summary>The entity types (owned and complex types included) that a DbContext of this compilation maps.</summary>
    public ImmutableHashSet<INamedTypeSymbol> EntityTypes { get; }

    public ImmutableArray<RelationshipModel> Relationships { get; }

    /// <summary>The unbounded columns, none of them marked hot yet (that takes the <see cref="EfModel"/>).</summary>
    public ImmutableArray<UnboundedColumn> UnboundedColumns { get; }

    /// <summary>The statements that may be bookkeeping (<see cref="Model.BookkeepingCandidates"/>), still unbound.</summary>
    public ImmutableArray<SyntaxNode> BookkeepingCandidates { get; }

    /// <summary>The fluent configuration the mapping was read from (read-only from here on).</summary>
    public ModelConfiguration Configuration { get; }

    /// <summary>The entity each table name may stand for in raw SQL.</summary>
    public IReadOnlyDictionary<string, INamedTypeSymbol> EntitiesByTableName { get; }

    public IEnumerable<UnboundedColumn> UnboundedColumnsIn(SyntaxTree tree) => columnsByTree[tree];

    public IEnumerable<RelationshipModel> RelationshipsConfiguredIn(SyntaxTree tree) => relationshipsByTree[tree];

    /// <summary>
    /// The unique keys (primary, alternate, unique indexes; each a set of property names) of <paramref name="entity"/> or
    /// the nearest mapped base type, or <see langword="null"/> when the mapping does not know the type.
    /// </summary>
    public ImmutableArray<ImmutableArray<string>>? UniqueKeysOf(ITypeSymbol entity)
    {
        for (var current = entity as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (uniqueKeys.TryGetValue(current, out var keys))
            {
                return keys;
            }
        }

        return null;
    }

    /// <summary>The unbounded columns declared on <paramref name="entity"/> or its base types.</summary>
    public IEnumerable<UnboundedColumn> UnboundedColumnsOf(INamedTypeSymbol entity)
        => UnboundedColumns.Where(c => EfCoreSymbols.DerivesFrom(entity, c.Property.ContainingType));

    /// <summary>
    /// Whether some statement of the compilation may rewrite rows of <paramref name="entity"/> (or of a type of its
    /// hierarchy) as bookkeeping. False means the <see cref="EfModel"/> has no bookkeeping for it: no need to read it.
    /// </summary>
    public bool MayBeRewritten(INamedTypeSymbol entity)
        => rewritablePrincipals.Any(p => EfModel.AreRelated(p, entity));

    /// <summary>Whether bookkeeping may rewrite a row holding <paramref name="column"/> (its entities', or an owned type's owners' rows).</summary>
    public bool MayBeHot(UnboundedColumn column)
        => column.Entities.SelectMany(e => ColumnReader.RowAnchors(e, Configuration)).Any(MayBeRewritten);
}
