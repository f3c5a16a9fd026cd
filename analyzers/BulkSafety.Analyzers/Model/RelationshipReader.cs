using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// Builds the one-to-many and one-to-one relationships: first by convention from navigations (paired by type or
/// <c>[InverseProperty]</c>), then overridden by fluent chains that name the same navigations. Foreign keys come from
/// <c>HasForeignKey</c>, <c>[ForeignKey]</c> or EF's naming convention; requiredness from <c>IsRequired</c>, the foreign
/// key's nullability, <c>[Required]</c> or the navigation's nullable annotation; the delete behavior from
/// <c>OnDelete</c>, <c>[DeleteBehavior]</c> or EF's default (required: Cascade, optional: ClientSetNull).
/// Ambiguous pairs (several candidate inverses, many-to-many, one-to-one by convention) are left out.
/// </summary>
internal sealed class RelationshipReader
{
    private readonly EfCoreSymbols symbols;
    private readonly ModelConfiguration configuration;
    private readonly HashSet<INamedTypeSymbol> entities;
    private readonly Func<INamedTypeSymbol, Location?> mappingLocation;

    // mappingLocation: where the compilation maps an entity, where a relationship between types of another assembly is reported.
    public RelationshipReader(EfCoreSymbols symbols, ModelConfiguration configuration, HashSet<INamedTypeSymbol> entities, Func<INamedTypeSymbol, Location?> mappingLocation)
    {
        this.symbols = symbols;
        this.configuration = configuration;
        this.entities = entities;
        this.mappingLocation = mappingLocation;
    }

    private sealed class Candidate
    {
        public Candidate(INamedTypeSymbol principal, INamedTypeSymbol dependent, IPropertySymbol? principalNavigation, IPropertySymbol? dependentNavigation, Location location)
        {
            Principal = principal;
            Dependent = dependent;
            PrincipalNavigation = principalNavigation;
            DependentNavigation = dependentNavigation;
            Location = location;
        }

        public INamedTypeSymbol Principal { get; }
        public INamedTypeSymbol Dependent { get; }
        public IPropertySymbol? PrincipalNavigation { get; set; }
        public IPropertySymbol? DependentNavigation { get; set; }
        public Location Location { get; set; }
        public FluentRelationship? Fluent { get; set; }
    }

    public ImmutableArray<RelationshipModel> Read()
    {
        var candidates = ByConvention();
        foreach (var fluent in configuration.Relationships)
        {
            if (Normalize(fluent) is not { } configured)
            {
                continue;
            }

            configured.Fluent = fluent;

            var match = candidates.FirstOrDefault(c =>
                SymbolEqualityComparer.Default.Equals(c.Principal, configured.Principal)
                && SymbolEqualityComparer.Default.Equals(c.Dependent, configured.Dependent)
                && (SameNavigation(c.PrincipalNavigation, configured.PrincipalNavigation) || SameNavigation(c.DependentNavigation, configured.DependentNavigation)));
            if (match is not null)
            {
                match.PrincipalNavigation = configured.PrincipalNavigation ?? match.PrincipalNavigation;
                match.DependentNavigation = configured.DependentNavigation ?? match.DependentNavigation;
                match.Location = configured.Location;
                match.Fluent = fluent;
            }
            else
            {
                candidates.Add(configured);
            }
        }

        return candidates.Select(Complete).ToImmutableArray();
    }

    private static bool SameNavigation(IPropertySymbol? a, IPropertySymbol? b)
        => a is not null && b is not null && a.Name == b.Name && SymbolEqualityComparer.Default.Equals(a.ContainingType, b.ContainingType);

    private List<Candidate> ByConvention()
    {
        var result = new List<Candidate>();
        var entityTypes = entities.Where(e => !configuration.OwnedTypes.Contains(e)).ToList();
        var navigations = entityTypes.ToDictionary(
            e => e,
            e => MappedProperties.Of(e, symbols, configuration).Where(p => Target(p) is not null).ToList(),
            (IEqualityComparer<INamedTypeSymbol>)SymbolEqualityComparer.Default);
        var paired = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);

        foreach (var principal in entityTypes)
        {
            foreach (var collection in navigations[principal].Where(IsCollection))
            {
                var dependent = Target(collection)!;
                if (!navigations.TryGetValue(dependent, out var dependentNavigations))
                {
                    continue;
                }

                if (dependentNavigations.Any(n => IsCollection(n) && Points(n, principal)))
                {
                    continue; // many-to-many: a join table, not a cascade of dependents
                }

                var inverses = dependentNavigations.Where(n => !IsCollection(n) && Points(n, principal)).ToList();
                var named = InverseNamedBy(collection, inverses);
                if (named is null && inverses.Count > 1)
                {
                    continue; // EF cannot pair these by convention either
                }

                var inverse = named ?? inverses.FirstOrDefault();
                if (inverse is not null)
                {
                    paired.Add(inverse);
                }

                result.Add(new Candidate(principal, dependent, collection, inverse, LocationOf(collection, principal)));
            }
        }

        foreach (var dependent in entityTypes)
        {
            foreach (var reference in navigations[dependent].Where(n => !IsCollection(n) && !paired.Contains(n)))
            {
                var principal = Target(reference)!;
                var oneToOne = navigations.TryGetValue(principal, out var back) && back.Any(n => !IsCollection(n) && Points(n, dependent));
                if (!oneToOne)
                {
                    result.Add(new Candidate(principal, dependent, null, reference, LocationOf(reference, dependent)));
                }
            }
        }

        return result;
    }

    // The navigation's declaration, or (declared in another assembly) where this compilation maps its entity; none when it does not.
    private Location LocationOf(IPropertySymbol navigation, INamedTypeSymbol entity)
        => navigation.Locations.FirstOrDefault(l => l.IsInSource) ?? mappingLocation(entity) ?? Location.None;

    private IPropertySymbol? InverseNamedBy(IPropertySymbol collection, List<IPropertySymbol> inverses)
    {
        var name = ConstructorString(EfCoreSymbols.FindAttribute(collection, symbols.InversePropertyAttribute));
        return inverses.FirstOrDefault(i => i.Name == name)
            ?? inverses.FirstOrDefault(i => ConstructorString(EfCoreSymbols.FindAttribute(i, symbols.InversePropertyAttribute)) == collection.Name);
    }

    private Candidate? Normalize(FluentRelationship fluent)
    {
        var declaring = fluent.ConfiguredEntity;
        var related = fluent.Related;
        if (fluent.StartsWithMany)
        {
            return fluent.EndsWithMany == true
                ? null
                : new Candidate(declaring, related, fluent.FirstNavigation, fluent.SecondNavigation, fluent.Location);
        }

        if (fluent.EndsWithMany != false)
        {
            return new Candidate(related, declaring, fluent.SecondNavigation, fluent.FirstNavigation, fluent.Location);
        }

        // One-to-one: HasForeignKey<T> names the dependent.
        if (SymbolEqualityComparer.Default.Equals(fluent.ForeignKeyOwner, declaring))
        {
            return new Candidate(related, declaring, fluent.SecondNavigation, fluent.FirstNavigation, fluent.Location);
        }

        return SymbolEqualityComparer.Default.Equals(fluent.ForeignKeyOwner, related)
            ? new Candidate(declaring, related, fluent.FirstNavigation, fluent.SecondNavigation, fluent.Location)
            : null;
    }

    private RelationshipModel Complete(Candidate candidate)
    {
        var fluent = candidate.Fluent;
        var foreignKey = ForeignKey(candidate, fluent);
        var isRequired = fluent?.IsRequired ?? IsRequiredByConvention(candidate, foreignKey);
        var deleteBehavior = fluent?.OnDelete
            ?? DeleteBehaviorAttribute(candidate.DependentNavigation)
            ?? DeleteBehaviorAttribute(candidate.PrincipalNavigation)
            ?? (isRequired ? DeleteBehavior.Cascade : DeleteBehavior.ClientSetNull);
        return new RelationshipModel(
            candidate.Principal, candidate.Dependent, candidate.PrincipalNavigation, candidate.DependentNavigation,
            foreignKey, isRequired, deleteBehavior, candidate.Location);
    }

    private ImmutableArray<IPropertySymbol> ForeignKey(Candidate candidate, FluentRelationship? fluent)
    {
        var dependentProperties = MappedProperties.Of(candidate.Dependent, symbols, configuration).ToList();
        IPropertySymbol? Named(string name) => dependentProperties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

        if (fluent is not null && fluent.ForeignKeyNames.Count > 0)
        {
            return fluent.ForeignKeyNames.Select(Named).OfType<IPropertySymbol>().ToImmutableArray();
        }

        var navigation = candidate.DependentNavigation ?? candidate.PrincipalNavigation;
        var byAttribute = navigation is null ? null : ConstructorString(EfCoreSymbols.FindAttribute(navigation, symbols.ForeignKeyAttribute));
        if (byAttribute is not null)
        {
            return byAttribute.Split(',').Select(n => Named(n.Trim())).OfType<IPropertySymbol>().ToImmutableArray();
        }

        var navigationName = candidate.DependentNavigation?.Name;
        var attributed = dependentProperties.FirstOrDefault(p => navigationName is not null && ConstructorString(EfCoreSymbols.FindAttribute(p, symbols.ForeignKeyAttribute)) == navigationName);
        if (attributed is not null)
        {
            return ImmutableArray.Create(attributed);
        }

        // EF's names: <navigation><principal key>, <navigation>Id, <principal type><principal key>, <principal type>Id.
        var key = PrimaryKeyName(candidate.Principal);
        var prefixes = navigationName is null ? new[] { candidate.Principal.Name } : new[] { navigationName, candidate.Principal.Name };
        var byName = prefixes.SelectMany(prefix => new[] { prefix + key, prefix + "Id" }).Select(Named).FirstOrDefault(p => p is not null);
        return byName is null ? ImmutableArray<IPropertySymbol>.Empty : ImmutableArray.Create(byName);
    }

    private string PrimaryKeyName(INamedTypeSymbol entity)
    {
        var properties = MappedProperties.Of(entity, symbols, configuration).ToList();
        var key = properties.FirstOrDefault(p => EfCoreSymbols.HasAttribute(p, symbols.KeyAttribute))
            ?? properties.FirstOrDefault(p => configuration.IsConfiguredKeyPart(entity, p.Name))
            ?? properties.FirstOrDefault(p => string.Equals(p.Name, "Id", StringComparison.OrdinalIgnoreCase))
            ?? properties.FirstOrDefault(p => string.Equals(p.Name, entity.Name + "Id", StringComparison.OrdinalIgnoreCase));
        return key?.Name ?? "Id";
    }

    private bool IsRequiredByConvention(Candidate candidate, ImmutableArray<IPropertySymbol> foreignKey)
    {
        if (!foreignKey.IsEmpty)
        {
            return foreignKey.All(p => !IsNullable(p.Type, p.NullableAnnotation));
        }

        var navigation = candidate.DependentNavigation;
        return navigation is not null
            && (EfCoreSymbols.HasAttribute(navigation, symbols.RequiredAttribute) || navigation.NullableAnnotation == NullableAnnotation.NotAnnotated);
    }

    private static bool IsNullable(ITypeSymbol type, NullableAnnotation annotation)
        => type.IsValueType
            ? type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
            : annotation != NullableAnnotation.NotAnnotated;

    private DeleteBehavior? DeleteBehaviorAttribute(IPropertySymbol? navigation)
    {
        var attribute = navigation is null ? null : EfCoreSymbols.FindAttribute(navigation, symbols.DeleteBehaviorAttribute);
        return EfCoreSymbols.FirstArgument(attribute) is int value && Enum.IsDefined(typeof(DeleteBehavior), value) ? (DeleteBehavior)value : null;
    }

    private static string? ConstructorString(AttributeData? attribute)
        => EfCoreSymbols.FirstArgument(attribute) as string;

    private INamedTypeSymbol? Target(IPropertySymbol property)
        => ConfigurationReader.NavigationTarget(property.Type) is { } target && entities.Contains(target) && !configuration.OwnedTypes.Contains(target) ? target : null;

    private static bool IsCollection(IPropertySymbol navigation) => !SymbolEqualityComparer.Default.Equals(ConfigurationReader.NavigationTarget(navigation.Type), navigation.Type);

    private bool Points(IPropertySymbol navigation, INamedTypeSymbol type) => EfCoreSymbols.DerivesFrom(type, Target(navigation));
}
