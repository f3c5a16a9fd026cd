using System.Collections.Generic;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// The properties EF maps by convention on an entity type, inherited ones included: public, instance, readable and
/// writable (any setter), not indexers, not <c>[NotMapped]</c>, not <c>Ignore</c>d; a get-only property only when a
/// fluent <c>Property(...)</c> maps it explicitly, or when it is an auto-property of another assembly whose setter may be
/// private (<see cref="MayHaveHiddenSetter"/>). Computed getters are therefore not mapped.
/// </summary>
internal static class MappedProperties
{
    public static IEnumerable<IPropertySymbol> Of(INamedTypeSymbol entity, EfCoreSymbols symbols, ModelConfiguration configuration)
    {
        var seen = new HashSet<string>();
        for (var type = entity; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.GetMethod is null
                    || !seen.Add(property.Name))
                {
                    continue;
                }

                var writable = property.SetMethod is not null || configuration.FindProperty(entity, property) is not null || MayHaveHiddenSetter(property);
                if (writable
                    && !EfCoreSymbols.HasAttribute(property, symbols.NotMappedAttribute)
                    && !ModelConfiguration.HasName(configuration.IgnoredProperties, entity, property.Name))
                {
                    yield return property;
                }
            }
        }
    }

    /// <summary>
    /// Whether a property of another assembly that shows no setter may have one this compilation cannot see: a referenced
    /// assembly's private and internal members are not imported, so <c>{ get; private set; }</c> (which EF maps) reads as
    /// get-only. Its getter is compiler-generated (an auto-property), unlike a computed property's (<c>=&gt; A + B</c>), which
    /// EF does not map. A get-only auto-property (<c>{ get; }</c>) looks the same and is taken as mapped too.
    /// </summary>
    public static bool MayHaveHiddenSetter(IPropertySymbol property)
        => property.SetMethod is null
            && !property.Locations.Any(l => l.IsInSource)
            && property.GetMethod is { } getter
            && getter.GetAttributes().Any(a => a.AttributeClass is { Name: "CompilerGeneratedAttribute" } attribute
                && attribute.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices");

    /// <summary>Whether the property holds a scalar EF maps to a column (not a navigation to another entity type).</summary>
    public static bool IsNavigation(IPropertySymbol property, ISet<INamedTypeSymbol> entities)
        => ConfigurationReader.NavigationTarget(property.Type) is { } target && entities.Contains(target);
}
