using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Bookkeeping;

/// <summary>One declared relationship: the dependent's navigation to its parent, and what the parent keeps about its dependents.</summary>
/// <param name="ForeignKey">The relationship; its principal key identifies the parent row.</param>
/// <param name="Counter">The parent's counter cache (<see cref="int"/> or <see cref="long"/>), or <see langword="null"/>.</param>
/// <param name="Touch">The parent's touched timestamp (<see cref="DateTime"/> or <see cref="DateTimeOffset"/>, nullable or not), or <see langword="null"/>.</param>
internal sealed record BookkeepingRelationship(IForeignKey ForeignKey, IProperty? Counter, IProperty? Touch);

/// <summary>
/// The bookkeeping a model declares (<see cref="BookkeepingAnnotations"/>), resolved to relationships and validated once
/// per model. A declaration that does not fit the model throws <see cref="InvalidOperationException"/> naming it.
/// </summary>
internal sealed class BookkeepingModel
{
    private static readonly ConditionalWeakTable<IModel, BookkeepingModel> Models = new();

    private readonly Dictionary<IEntityType, BookkeepingRelationship[]> _relationships;
    private readonly Dictionary<IEntityType, IKey[]> _parentKeys;

    private BookkeepingModel(Dictionary<IEntityType, BookkeepingRelationship[]> relationships, Dictionary<IEntityType, IKey[]> parentKeys)
    {
        _relationships = relationships;
        _parentKeys = parentKeys;
    }

    /// <summary>Whether the model declares no bookkeeping at all (SaveChanges then costs nothing extra).</summary>
    public bool IsEmpty => _relationships.Count == 0;

    public static BookkeepingModel For(IModel model) => Models.GetValue(model, Build);

    /// <summary>The declared relationships of a dependent type, those declared on its base types included.</summary>
    public IReadOnlyList<BookkeepingRelationship> RelationshipsOf(IEntityType dependent)
        => _relationships.TryGetValue(dependent, out var relationships) ? relationships : [];

    /// <summary>The keys by which an entity of this type is some dependent's parent (empty when it is no declared parent).</summary>
    public IReadOnlyList<IKey> ParentKeysOf(IEntityType entityType)
        => _parentKeys.TryGetValue(entityType, out var keys) ? keys : [];

    private static BookkeepingModel Build(IModel model)
    {
        var declared = new Dictionary<IEntityType, List<BookkeepingRelationship>>();
        foreach (var entityType in model.GetEntityTypes())
        {
            var byNavigation = new Dictionary<string, BookkeepingRelationship>(StringComparer.Ordinal);
            foreach (var annotation in entityType.GetAnnotations())
            {
                var isCounter = annotation.Name.StartsWith(BookkeepingAnnotations.CounterCachePrefix, StringComparison.Ordinal);
                if (!isCounter && !annotation.Name.StartsWith(BookkeepingAnnotations.TouchPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var navigationName = annotation.Name[(isCounter ? BookkeepingAnnotations.CounterCachePrefix : BookkeepingAnnotations.TouchPrefix).Length..];
                var declaration = $"{(isCounter ? "HasCounterCache" : "Touches")} on {entityType.DisplayName()}.{navigationName}";
                var foreignKey = ForeignKeyOf(entityType, navigationName, declaration);
                var property = ParentProperty(foreignKey.PrincipalEntityType, annotation.Value as string, isCounter, declaration);
                var relationship = byNavigation.GetValueOrDefault(navigationName) ?? new BookkeepingRelationship(foreignKey, null, null);
                byNavigation[navigationName] = isCounter ? relationship with { Counter = property } : relationship with { Touch = property };
            }

            if (byNavigation.Count > 0)
            {
                declared[entityType] = [.. byNavigation.Values];
            }
        }

        var relationships = new Dictionary<IEntityType, BookkeepingRelationship[]>();
        var parentKeys = new Dictionary<IEntityType, IKey[]>();
        if (declared.Count == 0)
        {
            return new BookkeepingModel(relationships, parentKeys);
        }

        foreach (var entityType in model.GetEntityTypes())
        {
            var inherited = new List<BookkeepingRelationship>();
            for (var type = entityType; type is not null; type = type.BaseType)
            {
                if (declared.TryGetValue(type, out var own))
                {
                    inherited.AddRange(own);
                }
            }

            if (inherited.Count > 0)
            {
                relationships[entityType] = [.. inherited];
            }

            // A parent of a declared relationship, or a type derived from one: its tracked entries are indexed by these keys.
            var keys = declared.Values.SelectMany(r => r)
                .Where(r => r.ForeignKey.PrincipalEntityType.IsAssignableFrom(entityType))
                .Select(r => r.ForeignKey.PrincipalKey)
                .Distinct()
                .ToArray();
            if (keys.Length > 0)
            {
                parentKeys[entityType] = keys;
            }
        }

        return new BookkeepingModel(relationships, parentKeys);
    }

    private static IForeignKey ForeignKeyOf(IEntityType dependent, string navigationName, string declaration)
    {
        var navigation = dependent.FindNavigation(navigationName)
            ?? throw new InvalidOperationException($"{declaration}: {dependent.DisplayName()} has no navigation '{navigationName}'. Name the reference navigation to the parent, e.g. 'p => p.Group'.");
        if (navigation.IsCollection || !navigation.IsOnDependent)
        {
            throw new InvalidOperationException($"{declaration}: '{navigationName}' must be the dependent's reference navigation to its parent (the side that holds the foreign key), not a collection or the principal's side.");
        }

        var principal = navigation.ForeignKey.PrincipalEntityType;
        if (principal.IsOwned())
        {
            throw new InvalidOperationException($"{declaration}: the parent {principal.DisplayName()} is an owned type; bookkeeping needs a parent that can be updated on its own.");
        }

        return navigation.ForeignKey;
    }

    private static IProperty ParentProperty(IEntityType principal, string? name, bool isCounter, string declaration)
    {
        var property = name is null ? null : principal.FindProperty(name);
        if (property is null)
        {
            throw new InvalidOperationException($"{declaration}: the parent {principal.DisplayName()} has no mapped property '{name}'.");
        }

        if (property.IsKey() || property.IsForeignKey())
        {
            throw new InvalidOperationException($"{declaration}: {principal.DisplayName()}.{name} is part of a key; a counter or timestamp must be an ordinary column.");
        }

        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (isCounter && property.ClrType != typeof(int) && property.ClrType != typeof(long))
        {
            throw new InvalidOperationException($"{declaration}: the counter {principal.DisplayName()}.{name} is {property.ClrType.Name}; a counter cache is a non-nullable int or long.");
        }

        if (!isCounter && type != typeof(DateTime) && type != typeof(DateTimeOffset))
        {
            throw new InvalidOperationException($"{declaration}: the timestamp {principal.DisplayName()}.{name} is {property.ClrType.Name}; a touched timestamp is a DateTime or DateTimeOffset.");
        }

        return property;
    }
}
