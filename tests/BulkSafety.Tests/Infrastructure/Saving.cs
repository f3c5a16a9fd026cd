using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Infrastructure;

/// <summary>SaveChanges through the sync or the async path, for theories over both.</summary>
internal static class Saving
{
    public static async Task<int> Save(this DbContext context, bool async, CancellationToken cancellationToken = default)
        => async ? await context.SaveChangesAsync(cancellationToken) : context.SaveChanges();
}
