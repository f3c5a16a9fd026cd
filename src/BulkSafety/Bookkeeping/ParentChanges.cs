using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Bookkeeping;

/// <summary>One parent row, by the principal key its dependents point to.</summary>
internal readonly record struct ParentKey(IKey Key, object?[] Values);

/// <summary>Compares parent keys the way EF compares key values (its key value comparers), so that 7L and 7L meet.</summary>
internal sealed class ParentKeyComparer : IEqualityComparer<ParentKey>
{
    public static readonly ParentKeyComparer Instance = new();

    public bool Equals(ParentKey x, ParentKey y)
    {
        if (!ReferenceEquals(x.Key, y.Key))
        {
            return false;
        }

        var properties = x.Key.Properties;
        for (var i = 0; i < properties.Count; i++)
        {
            if (!properties[i].GetKeyValueComparer().Equals(x.Values[i], y.Values[i]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ParentKey key)
    {
        var hash = new HashCode();
        hash.Add(key.Key);
        var properties = key.Key.Properties;
        for (var i = 0; i < properties.Count; i++)
        {
            hash.Add(properties[i].GetKeyValueComparer().GetHashCode(key.Values[i]!));
        }

        return hash.ToHashCode();
    }
}

/// <summary>
/// What one SaveChanges does to one parent's bookkeeping: the net change of each counter cache and the timestamps to
/// touch, and the parent's tracked entry when the context tracks it.
/// </summary>
internal sealed class ParentChanges(IEntityType entityType, ParentKey key)
{
    private readonly List<(IProperty Counter, long Delta)> _counters = [];
    private readonly List<IProperty> _touches = [];

    /// <summary>The parent's entity type: the tracked entry's, else the most derived type a relationship names.</summary>
    public IEntityType EntityType { get; private set; } = entityType;

    public ParentKey Key { get; } = key;

    public EntityEntry? Tracked { get; private set; }

    public IEnumerable<(IProperty Counter, long Delta)> Counters => _counters.Where(c => c.Delta != 0);

    public IReadOnlyList<IProperty> Touches => _touches;

    /// <summary>Whether the changes cancel out (as many dependents added as deleted) and nothing is touched.</summary>
    public bool IsEmpty => _touches.Count == 0 && !Counters.Any();

    public void Named(IEntityType entityType)
    {
        if (EntityType.IsAssignableFrom(entityType))
        {
            EntityType = entityType;
        }
    }

    public void TrackedAs(EntityEntry entry)
    {
        Tracked = entry;
        EntityType = entry.Metadata;
    }

    public void Count(IProperty counter, long delta)
    {
        for (var i = 0; i < _counters.Count; i++)
        {
            if (ReferenceEquals(_counters[i].Counter, counter))
            {
                _counters[i] = (counter, _counters[i].Delta + delta);
                return;
            }
        }

        _counters.Add((counter, delta));
    }

    public void Touch(IProperty timestamp)
    {
        if (!_touches.Contains(timestamp))
        {
            _touches.Add(timestamp);
        }
    }

    /// <summary>
    /// Applies the changes to the tracked parent's values. <paramref name="accept"/> makes them its original values too,
    /// for a parent whose row was already written by a relative UPDATE, so that EF does not write it again.
    /// <paramref name="previous"/>, when given, receives each property's value before, to undo the change.
    /// </summary>
    public void ApplyTo(EntityEntry entry, DateTimeOffset now, bool accept, List<(PropertyEntry Property, object? Value, bool Modified)>? previous = null)
    {
        foreach (var (counter, delta) in Counters)
        {
            var property = entry.Property(counter);
            var value = counter.ClrType == typeof(int)
                ? checked((int)property.CurrentValue! + (int)delta)
                : (object)checked((long)property.CurrentValue! + delta);
            previous?.Add((property, property.CurrentValue, property.IsModified));
            Set(property, value, accept);
        }

        foreach (var timestamp in _touches)
        {
            var property = entry.Property(timestamp);
            previous?.Add((property, property.CurrentValue, property.IsModified));
            Set(property, TimestampValue(timestamp, now), accept);
        }
    }

    /// <summary>"Now" in the timestamp's type: a UTC <see cref="DateTime"/> or a <see cref="DateTimeOffset"/>.</summary>
    public static object TimestampValue(IProperty timestamp, DateTimeOffset now)
        => (Nullable.GetUnderlyingType(timestamp.ClrType) ?? timestamp.ClrType) == typeof(DateTime) ? now.UtcDateTime : (object)now;

    private static void Set(PropertyEntry property, object value, bool accept)
    {
        property.CurrentValue = value;
        if (accept)
        {
            property.OriginalValue = value;
            property.IsModified = false;
        }
    }
}
