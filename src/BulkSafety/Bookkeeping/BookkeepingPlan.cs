using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BulkSafety.Bookkeeping;

/// <summary>
/// The bookkeeping of one SaveChanges, coalesced per parent: the parents SaveChanges writes anyway (tracked Added or
/// Modified), whose tracked values carry their bookkeeping once <see cref="ApplyToWrittenParents"/> runs (undone by
/// <see cref="Revert"/> when the SaveChanges is stopped), and one relative UPDATE for every other parent
/// (<see cref="RelativeWrites"/>). Parents being deleted are skipped: their counters die with them.
/// </summary>
internal sealed class BookkeepingPlan
{
    private readonly IReadOnlyList<ParentChanges> _writtenParents;
    private List<(PropertyEntry Property, object? Value, bool Modified)>? _previous;

    private BookkeepingPlan(IReadOnlyList<ParentChanges> writtenParents, IReadOnlyList<ParentChanges> relativeWrites, DateTimeOffset now)
    {
        _writtenParents = writtenParents;
        RelativeWrites = relativeWrites;
        Now = now;
    }

    /// <summary>Parents SaveChanges does not write: each gets one <c>UPDATE … SET counter = counter + @delta, touched = @now</c>.</summary>
    public IReadOnlyList<ParentChanges> RelativeWrites { get; }

    /// <summary>The instant every touch of this SaveChanges writes.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Makes the tracked Added and Modified parents carry their bookkeeping in the row SaveChanges writes.</summary>
    public void ApplyToWrittenParents()
    {
        _previous = [];
        foreach (var parent in _writtenParents)
        {
            parent.ApplyTo(parent.Tracked!, Now, accept: false, _previous);
        }
    }

    /// <summary>Gives the written parents back the values they had before <see cref="ApplyToWrittenParents"/>.</summary>
    public void Revert()
    {
        foreach (var (property, value, modified) in Enumerable.Reverse(_previous ?? []))
        {
            property.CurrentValue = value;
            if (property.EntityEntry.State != EntityState.Added)
            {
                property.IsModified = modified;
            }
        }

        _previous = null;
    }

    /// <summary>
    /// Reads the tracked changes (the caller has detected them and turned automatic detection off) and returns the
    /// plan, or <see langword="null"/> when no parent has bookkeeping to keep. Nothing is changed until
    /// <see cref="ApplyToWrittenParents"/>.
    /// </summary>
    public static BookkeepingPlan? Compute(DbContext context, BookkeepingModel model, DateTimeOffset now)
    {
        Dictionary<ParentKey, ParentChanges>? parents = null;
        List<EntityEntry>? possibleParents = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var entityType = entry.Metadata;
            if (model.ParentKeysOf(entityType).Count > 0)
            {
                (possibleParents ??= []).Add(entry);
            }

            var state = entry.State;
            if (state is not (EntityState.Added or EntityState.Deleted or EntityState.Modified))
            {
                continue;
            }

            foreach (var relationship in model.RelationshipsOf(entityType))
            {
                parents ??= new Dictionary<ParentKey, ParentChanges>(ParentKeyComparer.Instance);
                switch (state)
                {
                    case EntityState.Added:
                        Record(parents, relationship, ParentOf(entry, relationship, original: false), +1);
                        break;
                    case EntityState.Deleted:
                        Record(parents, relationship, ParentOf(entry, relationship, original: true), -1);
                        break;
                    default:
                        var before = ParentOf(entry, relationship, original: true);
                        var after = ParentOf(entry, relationship, original: false);
                        if (before is { } b && after is { } a && ParentKeyComparer.Instance.Equals(b, a))
                        {
                            Record(parents, relationship, after, 0);
                        }
                        else
                        {
                            Record(parents, relationship, before, -1);
                            Record(parents, relationship, after, +1);
                        }

                        break;
                }
            }
        }

        if (parents is null || parents.Count == 0)
        {
            return null;
        }

        foreach (var entry in possibleParents ?? [])
        {
            foreach (var key in model.ParentKeysOf(entry.Metadata))
            {
                if (parents.TryGetValue(new ParentKey(key, ValuesOf(entry, key.Properties, original: false)), out var parent))
                {
                    parent.TrackedAs(entry);
                }
            }
        }

        var relativeWrites = new List<ParentChanges>();
        var writtenParents = new List<ParentChanges>();
        foreach (var parent in parents.Values)
        {
            if (parent.IsEmpty)
            {
                continue;
            }

            switch (parent.Tracked?.State)
            {
                case EntityState.Deleted:
                    // Deleted in this SaveChanges: its counters and timestamp die with it.
                    break;
                case EntityState.Added or EntityState.Modified:
                    // SaveChanges writes this row anyway: the bookkeeping rides in the same INSERT or UPDATE.
                    writtenParents.Add(parent);
                    break;
                default:
                    // Unchanged or not tracked: never loaded, never written absolutely from a possibly stale read.
                    relativeWrites.Add(parent);
                    break;
            }
        }

        return relativeWrites.Count == 0 && writtenParents.Count == 0 ? null : new BookkeepingPlan(writtenParents, relativeWrites, now);
    }

    private static void Record(Dictionary<ParentKey, ParentChanges> parents, BookkeepingRelationship relationship, ParentKey? key, long delta)
    {
        if (key is not { } parentKey || ((relationship.Counter is null || delta == 0) && relationship.Touch is null))
        {
            return;
        }

        if (!parents.TryGetValue(parentKey, out var parent))
        {
            parent = new ParentChanges(relationship.ForeignKey.PrincipalEntityType, parentKey);
            parents.Add(parentKey, parent);
        }

        parent.Named(relationship.ForeignKey.PrincipalEntityType);
        if (relationship.Counter is { } counter && delta != 0)
        {
            parent.Count(counter, delta);
        }

        if (relationship.Touch is { } touch)
        {
            parent.Touch(touch);
        }
    }

    // The parent a dependent points to by its foreign key, before or after this SaveChanges; null when the key is null.
    private static ParentKey? ParentOf(EntityEntry dependent, BookkeepingRelationship relationship, bool original)
    {
        var foreignKey = relationship.ForeignKey;
        var values = ValuesOf(dependent, foreignKey.Properties, original);
        return values.Any(v => v is null) ? null : new ParentKey(foreignKey.PrincipalKey, values);
    }

    private static object?[] ValuesOf(EntityEntry entry, IReadOnlyList<Microsoft.EntityFrameworkCore.Metadata.IProperty> properties, bool original)
    {
        var values = new object?[properties.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var property = entry.Property(properties[i]);
            values[i] = original ? property.OriginalValue : property.CurrentValue;
        }

        return values;
    }
}
