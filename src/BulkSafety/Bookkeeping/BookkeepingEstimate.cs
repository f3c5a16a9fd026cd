using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;

namespace BulkSafety.Bookkeeping;

/// <summary>
/// Puts the bookkeeping's relative parent UPDATEs into the guard's estimate of a SaveChanges, so that budgets and the
/// hot-row detector see every write of the parent row: a per-child SaveChanges loop over a wide parent is still one
/// rewrite of that row per SaveChanges. (Parents SaveChanges writes anyway are in the estimate already.)
/// </summary>
internal static class BookkeepingEstimate
{
    public static void AddPlannedParentWrites(UnitOfWorkEstimate estimate, BookkeepingPlan plan)
    {
        foreach (var parent in plan.RelativeWrites)
        {
            foreach (var table in MappedTable.For(parent.EntityType))
            {
                AddRow(estimate, table, parent);
            }
        }
    }

    private static void AddRow(UnitOfWorkEstimate estimate, MappedTable table, ParentChanges parent)
    {
        var readers = table.Readers;
        var assigned = new bool[readers.Length];
        var values = new ColumnValue[readers.Length];
        var tracked = parent.Tracked is { } entry ? UpdateEntryOf(entry) : null;
        var any = false;
        for (var i = 0; i < readers.Length; i++)
        {
            var property = readers[i].Property;
            assigned[i] = property is not null && (parent.Touches.Contains(property) || parent.Counters.Any(c => ReferenceEquals(c.Counter, property)));
            any |= assigned[i];
            values[i] = tracked is not null ? readers[i].Read(tracked, original: true) : Untracked(readers[i], table.Shape.Columns[i]);
        }

        if (!any)
        {
            return;
        }

        // Counters and timestamps are fixed-width: the after image has the sizes of the before image.
        var bytes = estimate.Profile.EstimateRowWithLargestEvent(table.Shape, RowChange.Update(values, values, assigned), out var largestEvent);
        var key = tracked is not null
            ? Array.ConvertAll(table.KeyProperties, p => tracked.GetCurrentValue(p))
            : parent.Key.Key.IsPrimaryKey() ? parent.Key.Values : null;
        estimate.AddRow(table, EntityStateKind.Updated, bytes, largestEvent, key is null ? null : new RowIdentity(table.Identity, table.KeyNames, key));
    }

    // A parent the context does not track is never read: its text and binary values count as the estimator's
    // conservative size (at most the column's declared maximum), everything else as present.
    private static ColumnValue Untracked(ColumnReader reader, ColumnShape column)
        => reader.Property is null ? ColumnValue.Null
            : column.Type.IsVariableLength ? ColumnValue.OfLength(Math.Min(StoreTypeMapper.UnknownValueBytes, column.Type.MaxBytes ?? long.MaxValue))
            : ColumnValue.Present;

    // As in UnitOfWorkEstimator: IUpdateEntry reads values without boxing; EF exposes it only through InternalEntityEntry.
#pragma warning disable EF1001
    private static IUpdateEntry UpdateEntryOf(EntityEntry entry) => entry.GetInfrastructure();
#pragma warning restore EF1001
}
