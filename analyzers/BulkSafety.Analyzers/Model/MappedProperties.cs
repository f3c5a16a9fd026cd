using System.Collections.Generic;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// The properties EF maps by convention on an entity type, inherited ones included: public, instance, readable and
/// writable (any setter), not indexers, not <c>[NotMapped]</c>, not <c>Ignore</c>d; a get-only property only when a
/// fluent <c>Property(...)</c> maps it explicitly. Computed getters are therefore not mapped.
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

                var writable = property.SetMethod is not null || configuration.FindProperty(entity, property) is not null;
                if (writable
                    && !EfCoreSymbols.HasAttribute(property, symbols.NotMappedAttribute)
                    && !ModelConfiguration.HasName(configuration.IgnoredProperties, entity, property.Name))
                {
                    yield return property;
                }
            }
        }
    }

    /// <summary>Whether the property holds a scalar EF maps to a column (not a navigation to another entity type).</summary>
    public static bool IsNavigation(IPropertySymbol property, ISet<INamedTypeSymbol> entities)
        => ConfigurationReader.NavigationTarget(property.Type) is { } target && entities.Contains(target);
}
