using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>What a bookkeeping write keeps on the principal: a counter cache or a touched timestamp.</summary>
internal enum BookkeepingKind
{
    /// <summary>An integer changed by ±1 per dependent (<c>PostsCount--</c>).</summary>
    Counter,

    /// <summary>A date/time set to "now" when a dependent changes (<c>UpdatedAt = DateTime.UtcNow</c>).</summary>
    Touch,
}

/// <summary>How a bookkeeping write reaches the database.</summary>
internal enum WriteMechanism
{
    /// <summary>An assignment to a tracked entity; EF writes it with the next SaveChanges (one UPDATE per parent per SaveChanges).</summary>
    TrackedAssignment,

    /// <summary><c>ExecuteUpdate</c>: an immediate UPDATE statement.</summary>
    ExecuteUpdate,

    /// <summary>Raw SQL (<c>ExecuteSqlRaw</c>, <c>ExecuteSql</c>): an immediate UPDATE statement.</summary>
    RawSql,
}

/// <summary>A principal property that the code rewrites because one of its dependents changes.</summary>
internal sealed class BookkeepingWrite
{
    public BookkeepingWrite(INamedTypeSymbol principal, IPropertySymbol property, BookkeepingKind kind, INamedTypeSymbol dependent, WriteMechanism mechanism, SyntaxNode syntax)
    {
        Principal = principal;
        Property = property;
        Kind = kind;
        Dependent = dependent;
        Mechanism = mechanism;
        Syntax = syntax;
    }

    public INamedTypeSymbol Principal { get; }
    public IPropertySymbol Property { get; }
    public BookkeepingKind Kind { get; }

    /// <summary>The entity whose change triggers the write (the post whose group is rewritten).</summary>
    public INamedTypeSymbol Dependent { get; }

    public WriteMechanism Mechanism { get; }

    /// <summary>The statement or expression that writes.</summary>
    public SyntaxNode Syntax { get; }
}

/// <summary>EF's delete behaviors, in the names of <c>Microsoft.EntityFrameworkCore.DeleteBehavior</c>.</summary>
internal enum DeleteBehavior
{
    ClientSetNull,
    Restrict,
    SetNull,
    Cascade,
    ClientCascade,
    NoAction,
    ClientNoAction,
}

/// <summary>A one-to-many or one-to-one relationship as EF builds it from navigations, foreign keys, attributes and fluent calls.</summary>
internal sealed class RelationshipModel
{
    public RelationshipModel(
        INamedTypeSymbol principal,
        INamedTypeSymbol dependent,
        IPropertySymbol? principalNavigation,
        IPropertySymbol? dependentNavigation,
        ImmutableArray<IPropertySymbol> foreignKey,
        bool isRequired,
        DeleteBehavior? deleteBehavior,
        Location location)
    {
        Principal = principal;
        Dependent = dependent;
        PrincipalNavigation = principalNavigation;
        DependentNavigation = dependentNavigation;
        ForeignKey = foreignKey;
        IsRequired = isRequired;
        DeleteBehavior = deleteBehavior;
        Location = location;
    }

    public INamedTypeSymbol Principal { get; }
    public INamedTypeSymbol Dependent { get; }

    /// <summary>The principal's navigation to its dependents (<c>Group.Posts</c>), if any.</summary>
    public IPropertySymbol? PrincipalNavigation { get; }

    /// <summary>The dependent's navigation to its principal (<c>Post.Group</c>), if any.</summary>
    public IPropertySymbol? DependentNavigation { get; }

    /// <summary>The foreign-key properties on the dependent; empty for a shadow foreign key.</summary>
    public ImmutableArray<IPropertySymbol> ForeignKey { get; }

    public bool IsRequired { get; }
    /// <summary>The delete behavior; null when it is EF's default under conventions this compilation cannot see (no context here).</summary>
    public DeleteBehavior? DeleteBehavior { get; }

    /// <summary>Deleting the principal deletes its (tracked) dependents with it.</summary>
    public bool CascadesDelete => DeleteBehavior is Model.DeleteBehavior.Cascade or Model.DeleteBehavior.ClientCascade;

    /// <summary>Where the relationship is configured: the fluent <c>HasMany</c>/<c>HasOne</c>, else a navigation or foreign key.</summary>
    public Location Location { get; }
}

/// <summary>A mapped string or byte[] property whose column has no bound.</summary>
internal sealed class UnboundedColumn
{
    public UnboundedColumn(
        IPropertySymbol property,
        ImmutableArray<INamedTypeSymbol> entities,
        Location location,
        bool isBinary,
        string storeType,
        string? reason,
        ImmutableArray<BookkeepingWrite> hotBecause,
        ColumnFix fix,
        SyntaxNode? fluentPropertyCall)
    {
        Property = property;
        Entities = entities;
        Location = location;
        IsBinary = isBinary;
        StoreType = storeType;
        Reason = reason;
        HotBecause = hotBecause;
        Fix = fix;
        FluentPropertyCall = fluentPropertyCall;
    }

    public IPropertySymbol Property { get; }

    /// <summary>The entity types whose rows hold the column (a base type's property is held by each mapped derived type).</summary>
    public ImmutableArray<INamedTypeSymbol> Entities { get; }

    /// <summary>The property's name in its declaration: where the diagnostic goes.</summary>
    public Location Location { get; }

    public bool IsBinary { get; }

    /// <summary>The unbounded store type (nvarchar(max), text, ...), or a generic name.</summary>
    public string StoreType { get; }

    /// <summary>Why a configured bound does not bound it (a SQL Server length above 4000, an explicit unbounded type), or null.</summary>
    public string? Reason { get; }

    /// <summary>The bookkeeping writes that rewrite the row holding this column; empty when the row is not hot.</summary>
    public ImmutableArray<BookkeepingWrite> HotBecause { get; }

    public bool IsOnHotRow => !HotBecause.IsEmpty;

    public ColumnFix Fix { get; }

    /// <summary>The fluent <c>Property(...)</c> call to append <c>.HasMaxLength(n)</c> to, for <see cref="ColumnFix.AppendHasMaxLength"/>.</summary>
    public SyntaxNode? FluentPropertyCall { get; }

    /// <summary>The same column on a row that <paramref name="hotBecause"/> rewrites.</summary>
    public UnboundedColumn WithHotWrites(ImmutableArray<BookkeepingWrite> hotBecause)
        => new(Property, Entities, Location, IsBinary, StoreType, Reason, hotBecause, Fix, FluentPropertyCall);
}

/// <summary>Which mechanical fix bounds the column; none when the user chose the unbounded type explicitly.</summary>
internal enum ColumnFix
{
    None,
    AddMaxLengthAttribute,
    AppendHasMaxLength,
}

/// <summary>
/// The EF Core model of one compilation as the rules need it: the <see cref="EfMapping"/> (entity types, relationships,
/// keys, unbounded columns) completed with the bookkeeping writes that rewrite principals and which columns they make
/// hot. Built once per compilation from the mapping, and only when a rule needs bookkeeping; immutable and shared.
/// </summary>
internal sealed class EfModel
{
    private readonly ILookup<SyntaxTree?, UnboundedColumn> columnsByTree;

    public EfModel(EfMapping mapping, ImmutableArray<BookkeepingWrite> bookkeeping, ImmutableArray<UnboundedColumn> unboundedColumns)
    {
        Mapping = mapping;
        Bookkeeping = bookkeeping;
        UnboundedColumns = unboundedColumns;
        columnsByTree = unboundedColumns.ToLookup(c => c.Location.SourceTree);
    }

    /// <summary>What the configuration alone decides.</summary>
    public EfMapping Mapping { get; }

    /// <inheritdoc cref="EfMapping.EntityTypes"/>
    public ImmutableHashSet<INamedTypeSymbol> EntityTypes => Mapping.EntityTypes;

    public ImmutableArray<RelationshipModel> Relationships => Mapping.Relationships;
    public ImmutableArray<BookkeepingWrite> Bookkeeping { get; }

    /// <summary>The unbounded columns, each with the bookkeeping that makes its row hot.</summary>
    public ImmutableArray<UnboundedColumn> UnboundedColumns { get; }

    public IEnumerable<UnboundedColumn> UnboundedColumnsIn(SyntaxTree tree) => columnsByTree[tree];

    /// <summary>The writes to <paramref name="relationship"/>'s principal that each of its dependents causes.</summary>
    public ImmutableArray<BookkeepingWrite> PrincipalRewrites(RelationshipModel relationship)
        => Bookkeeping.Where(w => AreRelated(w.Principal, relationship.Principal) && AreRelated(w.Dependent, relationship.Dependent)).ToImmutableArray();

    /// <summary>Whether one type derives from the other (or they are the same): rows of the two can be the same row.</summary>
    public static bool AreRelated(ITypeSymbol a, ITypeSymbol b)
        => EfCoreSymbols.DerivesFrom(a, b as INamedTypeSymbol) || EfCoreSymbols.DerivesFrom(b, a as INamedTypeSymbol);
}
