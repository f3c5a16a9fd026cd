using System.Diagnostics.CodeAnalysis;
using BulkSafety.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BulkSafety;

/// <summary>Turns the runtime guard on for a <see cref="DbContext"/>.</summary>
public static class BulkSafetyDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Guards every SaveChanges of the context — the pending changes are estimated in replication-log bytes and checked
    /// against the budgets before any command is sent — and every bulk command that bypasses SaveChanges
    /// (<c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, raw SQL that changes rows), estimated with read-only probes before it
    /// executes. Budgets per minute and per row are counted in one ledger for the whole process (the one registered by
    /// <c>AddBulkSafety</c>, or a static default one). The counter caches and touches the model declares
    /// (<c>HasCounterCache</c>, <c>Touches</c>) are kept too, one write per parent per SaveChanges. Calling it again
    /// changes the budgets of the same guard; it never adds a second one.
    /// </summary>
    /// <param name="optionsBuilder">The context's options builder.</param>
    /// <param name="configure">
    /// Sets this context's budgets, starting from the defaults; <see langword="null"/> keeps those of an earlier call, else
    /// uses the options given to <c>AddBulkSafety</c>, or the defaults. Invalid options throw here, naming the option.
    /// </param>
    /// <returns>The same builder.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "EF Core's UseXxx pair: the generic overload only keeps the builder's type.")]
    public static DbContextOptionsBuilder UseBulkSafety(this DbContextOptionsBuilder optionsBuilder, Action<BulkSafetyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var budgets = configure is null ? null : BulkSafetyOptions.Create(configure);
        var extension = optionsBuilder.Options.FindExtension<BulkSafetyOptionsExtension>() ?? new BulkSafetyOptionsExtension();
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(extension.WithGuard(budgets));
        return optionsBuilder;
    }

    /// <inheritdoc cref="UseBulkSafety(DbContextOptionsBuilder, Action{BulkSafetyOptions}?)"/>
    /// <typeparam name="TContext">The context type.</typeparam>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "EF Core's UseXxx pair: the generic overload only keeps the builder's type.")]
    public static DbContextOptionsBuilder<TContext> UseBulkSafety<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, Action<BulkSafetyOptions>? configure = null)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseBulkSafety((DbContextOptionsBuilder)optionsBuilder, configure);
}
