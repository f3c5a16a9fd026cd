using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// Finds the mapped string and byte[] properties whose column has no bound, and whether their row is hot. A column is
/// bounded by (in EF's precedence) a fluent <c>HasMaxLength</c>/<c>HasColumnType</c>, <c>[MaxLength(n)]</c>,
/// <c>[StringLength(n)]</c>, <c>[Column(TypeName = ...)]</c>, a <c>ConfigureConventions</c> default, or a CHECK constraint
/// on its length; keys, foreign keys and row versions are never reported (EF gives them bounded types). A length the
/// referenced provider maps to an unbounded type (SQL Server above 4000) is unbounded. A column is on a hot row when
/// bookkeeping rewrites the row that holds it: the same entity (or a type of the same TPH/TPC hierarchy, or the owner of
/// an owned type), or, under TPT, the same table.
/// </summary>
internal sealed class ColumnReader
{
    private static readonly Regex LengthFunction = new(
        @"\b(char_length|character_length|length|len|octet_length|datalength)\s*\(\s*(?<column>[^)]+?)\s*\)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly EfCoreSymbols symbols;
    private readonly ModelConfiguration configuration;
    private readonly HashSet<INamedTypeSymbol> entities;
    private readonly ImmutableArray<RelationshipModel> relationships;

    public ColumnReader(EfCoreSymbols symbols, ModelConfiguration configuration, IReadOnlyCollection<INamedTypeSymbol> entities, ImmutableArray<RelationshipModel> relationships)
    {
        this.symbols = symbols;
        this.configuration = configuration;
        this.entities = new HashSet<INamedTypeSymbol>(entities, SymbolEqualityComparer.Default);
        this.relationships = relationships;
    }

    private sealed class Classification
    {
        public Classification(string storeType, string? reason, ColumnFix fix, SyntaxNode? fluentCall)
        {
            StoreType = storeType;
            Reason = reason;
            Fix = fix;
            FluentCall = fluentCall;
        }

        public string StoreType { get; }
        public string? Reason { get; }
        public ColumnFix Fix { get; }
        public SyntaxNode? FluentCall { get; }
    }

    /// <summary>
    /// The unbounded columns, none marked hot (see <see cref="WithHotRows"/>). A property declared in another assembly (a
    /// Domain project's entity) is reported where this compilation maps it (<paramref name="mappingLocation"/>), unless
    /// its type comes from an assembly whose own context configures it (<paramref name="configuredElsewhere"/>: Identity).
    /// </summary>
    public ImmutableArray<UnboundedColumn> Read(Func<INamedTypeSymbol, Location?> mappingLocation, ISet<IAssemblySymbol> configuredElsewhere)
    {
        var found = new Dictionary<IPropertySymbol, (Classification Classification, List<INamedTypeSymbol> Entities, Location Location)>(SymbolEqualityComparer.Default);
        var order = new List<IPropertySymbol>();
        foreach (var entity in entities.OrderBy(e => e.ToDisplayString(), StringComparer.Ordinal))
        {
            if (!IsTableRow(entity))
            {
                continue;
            }

            foreach (var property in MappedProperties.Of(entity, symbols, configuration))
            {
                var binary = ConfigurationReader.IsByteArray(property.Type);
                if ((!binary && property.Type.SpecialType != SpecialType.System_String)
                    || configuredElsewhere.Contains(property.ContainingAssembly)
                    || ReportLocation(entity, property, mappingLocation) is not { } location
                    || IsKey(entity, property) || IsForeignKey(entity, property) || IsRowVersion(entity, property)
                    || Classify(entity, property, binary) is not { } classification)
                {
                    continue;
                }

                if (!found.TryGetValue(property, out var entry))
                {
                    entry = (classification, new List<INamedTypeSymbol>(), location);
                    found[property] = entry;
                    order.Add(property);
                }

                entry.Entities.Add(entity);
            }
        }

        return order.Select(p =>
        {
            var (classification, holders, location) = found[p];
            return new UnboundedColumn(
                p, holders.ToImmutableArray(), location, ConfigurationReader.IsByteArray(p.Type), classification.StoreType, classification.Reason,
                ImmutableArray<BookkeepingWrite>.Empty, classification.Fix, classification.FluentCall);
        }).ToImmutableArray();
    }

    // The property's name in its declaration; for a property of another assembly, its fluent Property(...) call, else where the entity is mapped.
    private Location? ReportLocation(INamedTypeSymbol entity, IPropertySymbol property, Func<INamedTypeSymbol, Location?> mappingLocation)
        => property.Locations.FirstOrDefault(l => l.IsInSource)
            ?? (configuration.FindProperty(entity, property)?.PropertyCall is { } call ? Operations.NameLocation(call) : null)
            ?? mappingLocation(entity);

    /// <summary>The columns with the bookkeeping writes that rewrite the rows holding them.</summary>
    public ImmutableArray<UnboundedColumn> WithHotRows(ImmutableArray<UnboundedColumn> columns, ImmutableArray<BookkeepingWrite> bookkeeping)
        => columns.Select(c => c.WithHotWrites(c.Entities.SelectMany(e => HotWrites(e, c.Property, bookkeeping)).Distinct().ToImmutableArray())).ToImmutableArray();

    /// <summary>The entity types whose rows hold the columns of <paramref name="entity"/>: itself, or an owned type's owners.</summary>
    public static IEnumerable<INamedTypeSymbol> RowAnchors(INamedTypeSymbol entity, ModelConfiguration configuration, int depth = 0)
    {
        if (depth < 4 && configuration.OwnersOfOwnedOne.TryGetValue(entity, out var owners))
        {
            return owners.SelectMany(o => RowAnchors(o, configuration, depth + 1));
        }

        return [entity];
    }

    private bool IsTableRow(INamedTypeSymbol entity)
    {
        if (configuration.JsonOwned.Contains(entity) || EfCoreSymbols.HasAttribute(entity, symbols.KeylessAttribute))
        {
            return false;
        }

        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (configuration.NotTables.Contains(current))
            {
                return false;
            }
        }

        return !configuration.OwnersOfOwnedOne.TryGetValue(entity, out var owners) || owners.Any(o => !configuration.JsonOwned.Contains(o));
    }

    private bool IsKey(INamedTypeSymbol entity, IPropertySymbol property)
    {
        if (EfCoreSymbols.HasAttribute(property, symbols.KeyAttribute) || configuration.IsConfiguredKeyPart(entity, property.Name))
        {
            return true;
        }

        for (var current = entity; current is not null; current = current.BaseType)
        {
            var primaryKey = EfCoreSymbols.FindAttribute(current, symbols.PrimaryKeyAttribute);
            if (primaryKey is not null && primaryKey.ConstructorArguments.SelectMany(a => a.Kind == TypedConstantKind.Array ? a.Values : ImmutableArray.Create(a)).Any(v => v.Value as string == property.Name))
            {
                return true;
            }

            if (string.Equals(property.Name, "Id", StringComparison.OrdinalIgnoreCase) || string.Equals(property.Name, current.Name + "Id", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsForeignKey(INamedTypeSymbol entity, IPropertySymbol property)
        => relationships.Any(r => EfModel.AreRelated(r.Dependent, entity) && r.ForeignKey.Contains(property, SymbolEqualityComparer.Default));

    private bool IsRowVersion(INamedTypeSymbol entity, IPropertySymbol property)
        => EfCoreSymbols.HasAttribute(property, symbols.TimestampAttribute) || configuration.FindProperty(entity, property)?.IsRowVersion == true;

    /// <summary>Null when the column is bounded (or its bound is configured but not a constant); else why it is not.</summary>
    private Classification? Classify(INamedTypeSymbol entity, IPropertySymbol property, bool binary)
    {
        var fluent = configuration.FindProperty(entity, property);
        var convention = configuration.Conventions[binary ? 1 : 0];
        if (fluent?.HasUnknownBound == true || HasLengthCheck(entity, property))
        {
            return null;
        }

        var unicode = fluent?.IsUnicode ?? UnicodeAttribute(property) ?? convention.IsUnicode ?? true;
        var providers = symbols.Providers;
        var columnType = fluent?.ColumnType ?? ColumnTypeAttribute(property) ?? convention.ColumnType;
        if (columnType is not null)
        {
            return providers.IsUnboundedColumnType(columnType)
                ? new Classification(columnType, $"its column type '{columnType}' has no length limit", ColumnFix.None, null)
                : null;
        }

        var maxLengthAttribute = EfCoreSymbols.FindAttribute(property, symbols.MaxLengthAttribute);
        var attributeLength = EfCoreSymbols.FirstArgument(maxLengthAttribute) as int?
            ?? EfCoreSymbols.FirstArgument(EfCoreSymbols.FindAttribute(property, symbols.StringLengthAttribute)) as int?;
        var length = fluent?.MaxLength ?? attributeLength ?? (maxLengthAttribute is null ? convention.MaxLength : null);
        if (length is int bound)
        {
            var reason = providers.UnboundedDespiteLength(bound, binary, unicode);
            return reason is null ? null : new Classification(binary ? "varbinary(max)" : unicode ? "nvarchar(max)" : "varchar(max)", reason, ColumnFix.None, null);
        }

        var storeType = providers.UnboundedStoreType(binary, unicode);
        if (maxLengthAttribute is not null)
        {
            return new Classification(storeType, "[MaxLength] without a length means the largest length the provider allows", ColumnFix.AddMaxLengthAttribute, null);
        }

        return fluent?.PropertyCall is { } call
            ? new Classification(storeType, null, ColumnFix.AppendHasMaxLength, call)
            : new Classification(storeType, null, property.Locations.Any(l => l.IsInSource) ? ColumnFix.AddMaxLengthAttribute : ColumnFix.None, null);
    }

    private bool? UnicodeAttribute(IPropertySymbol property)
        => EfCoreSymbols.FindAttribute(property, symbols.UnicodeAttribute) is { } attribute
            ? EfCoreSymbols.FirstArgument(attribute) as bool? ?? true
            : null;

    private string? ColumnTypeAttribute(IPropertySymbol property)
        => EfCoreSymbols.FindAttribute(property, symbols.ColumnAttribute)?.NamedArguments.FirstOrDefault(a => a.Key == "TypeName").Value.Value as string;

    private string ColumnName(IPropertySymbol property)
        => EfCoreSymbols.FirstArgument(EfCoreSymbols.FindAttribute(property, symbols.ColumnAttribute)) as string ?? property.Name;

    private bool HasLengthCheck(INamedTypeSymbol entity, IPropertySymbol property)
    {
        var column = BookkeepingReader.NormalizeName(ColumnName(property));
        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (configuration.CheckConstraints.TryGetValue(current, out var constraints)
                && constraints.Any(sql => LengthFunction.Matches(sql).Cast<Match>().Any(m => BookkeepingReader.NormalizeName(m.Groups["column"].Value) == column)))
            {
                return true;
            }
        }

        return false;
    }

    private IEnumerable<BookkeepingWrite> HotWrites(INamedTypeSymbol entity, IPropertySymbol property, ImmutableArray<BookkeepingWrite> bookkeeping)
    {
        foreach (var anchor in RowAnchors(entity, configuration))
        {
            foreach (var write in bookkeeping)
            {
                var sameRow = IsTablePerType(anchor) || IsTablePerType(write.Principal)
                    ? SymbolEqualityComparer.Default.Equals(TableOwner(write.Principal, write.Property.ContainingType), TableOwner(anchor, property.ContainingType))
                    : EfModel.AreRelated(write.Principal, anchor);
                if (sameRow)
                {
                    yield return write;
                }
            }
        }
    }

    private bool IsTablePerType(INamedTypeSymbol entity)
    {
        INamedTypeSymbol? root = null;
        var derivedHasTable = false;
        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (!entities.Contains(current))
            {
                continue;
            }

            if (root is not null && HasTableName(root))
            {
                derivedHasTable = true;
            }

            root = current;
        }

        return root is not null
            && ((configuration.Strategies.TryGetValue(root, out var strategy) && strategy == MappingStrategy.TablePerType) || derivedHasTable);
    }

    private bool HasTableName(INamedTypeSymbol entity)
        => configuration.TableNames.ContainsKey(entity) || EfCoreSymbols.HasAttribute(entity, symbols.TableAttribute);

    /// <summary>Under TPT, the entity type whose table holds a property declared on <paramref name="declaringType"/>.</summary>
    private INamedTypeSymbol TableOwner(INamedTypeSymbol entity, INamedTypeSymbol declaringType)
    {
        var owner = entity;
        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (entities.Contains(current))
            {
                owner = current;
            }

            if (SymbolEqualityComparer.Default.Equals(current, declaringType))
            {
                return owner;
            }
        }

        return entity;
    }
}
