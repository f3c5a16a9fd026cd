namespace BulkSafety.Bookkeeping;

/// <summary>
/// The model annotations that declare bookkeeping, on the dependent entity type: one per navigation and kind, whose
/// value is the name of the parent's property. Plain strings, so they survive into runtime and compiled models.
/// </summary>
internal static class BookkeepingAnnotations
{
    public const string CounterCachePrefix = "BulkSafety:CounterCache:";

    public const string TouchPrefix = "BulkSafety:Touch:";

    public static string CounterCache(string navigation) => CounterCachePrefix + navigation;

    public static string Touch(string navigation) => TouchPrefix + navigation;
}
