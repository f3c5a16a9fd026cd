using BulkSafety.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BulkSafety.Bookkeeping;

/// <summary>Applies the model's declared bookkeeping on a context that does not use the runtime guard.</summary>
public static class BookkeepingDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Keeps the counter caches and touched timestamps the model declares (<c>HasCounterCache</c>, <c>Touches</c>) with
    /// one write per parent per SaveChanges. <c>UseBulkSafety()</c> already does this; calling both keeps it once, guarded.
    /// </summary>
    /// <param name="optionsBuilder">The context's options builder.</param>
    /// <returns>The same builder.</returns>
    public static DbContextOptionsBuilder UseBulkSafetyBookkeeping(this DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        if (optionsBuilder.Options.FindExtension<BulkSafetyOptionsExtension>() is null)
        {
            ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(new BulkSafetyOptionsExtension());
        }

        return optionsBuilder;
    }

    /// <inheritdoc cref="UseBulkSafetyBookkeeping(DbContextOptionsBuilder)"/>
    /// <typeparam name="TContext">The context type.</typeparam>
    public static DbContextOptionsBuilder<TContext> UseBulkSafetyBookkeeping<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseBulkSafetyBookkeeping((DbContextOptionsBuilder)optionsBuilder);
}
