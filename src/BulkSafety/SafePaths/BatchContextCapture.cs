using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.SafePaths;

/// <summary>
/// Learns which <see cref="DbContext"/> a query belongs to. EF Core offers no public way from an <see cref="IQueryable"/>
/// to its context, so the batched API runs its first query inside <see cref="CaptureAsync{TResult}"/> and this command
/// interceptor — which <c>UseBulkSafety</c> adds to every guarded context — hands back the context that created the
/// command. Outside a capture it does nothing but read one <see cref="AsyncLocal{T}"/>.
/// </summary>
internal sealed class BatchContextCapture : DbCommandInterceptor
{
    private static readonly AsyncLocal<Slot?> Current = new();

    private BatchContextCapture()
    {
    }

    public static BatchContextCapture Instance { get; } = new();

    /// <summary>
    /// Runs <paramref name="query"/> and returns its result with the context that executed it, or
    /// <see langword="null"/> when the context is not guarded (no <c>UseBulkSafety</c>, so this interceptor never ran).
    /// </summary>
    public static async Task<(TResult Result, DbContext? Context)> CaptureAsync<TResult>(Func<Task<TResult>> query)
    {
        var slot = new Slot();
        Current.Value = slot;
        try
        {
            var result = await query().ConfigureAwait(false);
            return (result, slot.Context);
        }
        finally
        {
            Current.Value = null;
        }
    }

    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result)
    {
        if (Current.Value is { } slot && eventData.Context is { } context)
        {
            slot.Context ??= context;
        }

        return result;
    }

    private sealed class Slot
    {
        public DbContext? Context { get; set; }
    }
}
