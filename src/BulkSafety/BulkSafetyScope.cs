using BulkSafety.Budgets;

namespace BulkSafety;

/// <summary>Explicit, named, logged allowances to exceed the guard's budgets.</summary>
public static class BulkSafetyScope
{
    /// <summary>
    /// Lets the units of work inside the returned scope exceed the budgets, for a named reason, until they have written
    /// <paramref name="maxBytes"/> between them. Every unit of work the allowance lets past a budget is logged at Warning
    /// with the reason. The scope flows with the async context (<see cref="AsyncLocal{T}"/>) into awaited calls and started
    /// tasks. Nested scopes charge every enclosing scope too, so an outer limit bounds inner ones. Disposing ends it.
    /// </summary>
    /// <param name="reason">Why the work may exceed the budgets, e.g. <c>"takedown #123"</c>; it appears in every log.</param>
    /// <param name="maxBytes">The most log bytes the scope may write in total; <see langword="null"/> for no limit.</param>
    /// <returns>The scope; dispose it to end the allowance.</returns>
    public static IDisposable Allow(string reason, long? maxBytes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (maxBytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "An allowance's maxBytes is not negative.");
        }

        return Allowance.Open(reason, maxBytes);
    }
}
