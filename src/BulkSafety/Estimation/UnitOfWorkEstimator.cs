using System.Buffers;
using System.Collections;
using BulkSafety.Bookkeeping;
using BulkSafety.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Update;

namespace BulkSafety.Estimation;

/// <summary>
/// Turns the pending changes of a <see cref="DbContext"/> into a <see cref="UnitOfWorkEstimate"/>: one row change per
/// Added/Modified/Deleted entry and table it writes, with before values from the tracked originals and after values
/// from the current ones. Dependents that EF will delete by cascade are included: they are already Deleted under the
/// default immediate cascade timing; under <see cref="CascadeTiming.OnSaveChanges"/> they are found through the loaded
/// navigations without changing the tracker. The parent UPDATEs of declared bookkeeping that SaveChanges runs as
/// statements of their own (<see cref="BookkeepingEstimate"/>) are included too.
/// </summary>
internal static class UnitOfWorkEstimator
{
    /// <summary>Estimates the context's pending changes and, with <paramref name="plan"/>, the bookkeeping's parent UPDATEs.</summary>
    public static UnitOfWorkEstimate Estimate(DbContext context, ReplicationProfile profile, DatabaseIdentity database, BookkeepingPlan? plan)
    {
        var estimate = new UnitOfWorkEstimate(profile, context.GetType().Name, database);
        var tracker = context.ChangeTracker;
        var cascadeOnSave = tracker.CascadeDeleteTiming == CascadeTiming.OnSaveChanges;
        List<object>? cascadeRoots = null;
        List<(IUpdateEntry, MappedTable)>? databaseCascadeRoots = null;
        IEntityType? lastType = null;
        IReadOnlyList<MappedTable> lastTables = [];

        // Entries() detects changes first when automatic detection is on (dry runs, Throttle mode); when the guard judges
        // from EF's DetectedAllChanges event, detection is off here and the state is what EF has just detected.
        foreach (var entry in tracker.Entries())
        {
            var state = entry.State;
            if (state is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                var updateEntry = UpdateEntryOf(entry);
                if (!ReferenceEquals(updateEntry.EntityType, lastType))
                {
                    lastType = updateEntry.EntityType;
                    lastTables = MappedTable.For(lastType);
                }

                AddEntry(estimate, updateEntry, state, lastTables);
                if (state == EntityState.Deleted)
                {
                    AddDatabaseCascadeRoots(ref databaseCascadeRoots, updateEntry, lastTables);
                    if (cascadeOnSave)
                    {
                        (cascadeRoots ??= []).Add(entry.Entity);
                    }
                }
            }
        }

        List<IUpdateEntry>? pendingCascades = null;
        if (cascadeRoots is not null)
        {
            pendingCascades = AddPendingCascades(estimate, context, cascadeRoots, ref databaseCascadeRoots);
        }

        if (databaseCascadeRoots is not null)
        {
            DatabaseCascadeProbe.AddTo(estimate, context, databaseCascadeRoots, pendingCascades ?? []);
        }

        if (plan is not null)
        {
            BookkeepingEstimate.AddPlannedParentWrites(estimate, plan);
        }

        estimate.Complete();
        return estimate;
    }

    private static void AddEntry(UnitOfWorkEstimate estimate, IUpdateEntry entry, EntityState state, IReadOnlyList<MappedTable> tables)
    {
        var kind = state switch
        {
            EntityState.Added => RowChangeKind.Insert,
            EntityState.Modified => RowChangeKind.Update,
            _ => RowChangeKind.Delete,
        };
        foreach (var table in tables)
        {
            if (kind != RowChangeKind.Update || WritesAny(table, entry))
            {
                AddRow(estimate, table, entry, kind);
            }
        }
    }

    private static void AddRow(UnitOfWorkEstimate estimate, MappedTable table, IUpdateEntry entry, RowChangeKind kind)
    {
        var readers = table.Readers;
        var n = readers.Length;
        var before = ArrayPool<ColumnValue>.Shared.Rent(n);
        var after = ArrayPool<ColumnValue>.Shared.Rent(n);
        var assigned = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++)
            {
                var reader = readers[i];
                before[i] = kind == RowChangeKind.Insert ? default : reader.Read(entry, original: true);
                after[i] = kind == RowChangeKind.Delete ? default : reader.Read(entry, original: false);
                assigned[i] = reader.Property is { } property && kind switch
                {
                    RowChangeKind.Insert => !entry.IsStoreGenerated(property),
                    RowChangeKind.Update => entry.IsModified(property),
                    _ => false,
                };
                if (reader.IsUnknown && !(kind == RowChangeKind.Delete ? before[i] : after[i]).IsNull)
                {
                    estimate.AddUnknown(table, reader.Property!);
                }
            }

            var change = new RowChange(kind, before.AsSpan(0, n), after.AsSpan(0, n), assigned.AsSpan(0, n));
            var bytes = estimate.Profile.EstimateRowWithLargestEvent(table.Shape, change, out var largestEvent);
            estimate.AddRow(
                table,
                kind switch
                {
                    RowChangeKind.Insert => EntityStateKind.Inserted,
                    RowChangeKind.Update => EntityStateKind.Updated,
                    _ => EntityStateKind.Deleted,
                },
                bytes,
                largestEvent,
                kind == RowChangeKind.Update ? IdentityOf(table, entry) : null);
        }
        finally
        {
            ArrayPool<ColumnValue>.Shared.Return(before);
            ArrayPool<ColumnValue>.Shared.Return(after);
            ArrayPool<bool>.Shared.Return(assigned);
        }
    }

    // A deleted row whose table has ON DELETE CASCADE dependents: the database may delete untracked rows along with it.
    private static void AddDatabaseCascadeRoots(ref List<(IUpdateEntry, MappedTable)>? roots, IUpdateEntry entry, IReadOnlyList<MappedTable> tables)
    {
        foreach (var table in tables)
        {
            if (table.DatabaseCascades.Length > 0)
            {
                (roots ??= []).Add((entry, table));
            }
        }
    }

    // A TPT or split entity updates only the tables holding one of its modified properties.
    private static bool WritesAny(MappedTable table, IUpdateEntry entry)
    {
        foreach (var reader in table.Readers)
        {
            if (reader.Property is { } property && entry.IsModified(property))
            {
                return true;
            }
        }

        return false;
    }

    private static RowIdentity IdentityOf(MappedTable table, IUpdateEntry entry)
    {
        var values = new object?[table.KeyProperties.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = entry.GetCurrentValue(table.KeyProperties[i]);
        }

        return new RowIdentity(table.Identity, table.KeyNames, values);
    }

    // Walks the loaded navigations of principals being deleted to the tracked dependents EF will cascade-delete during
    // SaveChanges, without marking them Deleted now: a blocked SaveChanges must leave the tracker as it was.
    private static List<IUpdateEntry> AddPendingCascades(UnitOfWorkEstimate estimate, DbContext context, List<object> roots, ref List<(IUpdateEntry, MappedTable)>? databaseCascadeRoots)
    {
        var cascaded = new List<IUpdateEntry>();
        var visited = new HashSet<object>(roots, ReferenceEqualityComparer.Instance);
        var pending = new Queue<object>(roots);
        while (pending.TryDequeue(out var principal))
        {
            var entry = context.Entry(principal);
            foreach (var navigation in entry.Metadata.GetNavigations())
            {
                if (navigation.IsOnDependent || navigation.ForeignKey.DeleteBehavior is not (DeleteBehavior.Cascade or DeleteBehavior.ClientCascade))
                {
                    continue;
                }

                foreach (var dependent in Targets(UpdateEntryOf(entry).GetCurrentValue(navigation)))
                {
                    var dependentEntry = context.Entry(dependent);
                    if (dependentEntry.State is EntityState.Unchanged or EntityState.Modified && visited.Add(dependent))
                    {
                        var dependentUpdate = UpdateEntryOf(dependentEntry);
                        var tables = MappedTable.For(dependentUpdate.EntityType);
                        AddEntry(estimate, dependentUpdate, EntityState.Deleted, tables);
                        AddDatabaseCascadeRoots(ref databaseCascadeRoots, dependentUpdate, tables);
                        cascaded.Add(dependentUpdate);
                        pending.Enqueue(dependent);
                    }
                }
            }
        }

        return cascaded;
    }

    private static IEnumerable<object> Targets(object? navigationValue) => navigationValue switch
    {
        null => [],
        IEnumerable collection => collection.Cast<object>(),
        _ => [navigationValue],
    };

    // IUpdateEntry is the public, provider-facing view of a tracked entry; reading values through its typed accessors
    // neither boxes nor allocates (EntityEntry.Property(...) allocates per call). EF exposes it only through the
    // pubternal InternalEntityEntry, hence this one suppressed EF1001.
#pragma warning disable EF1001
    private static IUpdateEntry UpdateEntryOf(EntityEntry entry) => entry.GetInfrastructure();
#pragma warning restore EF1001
}
