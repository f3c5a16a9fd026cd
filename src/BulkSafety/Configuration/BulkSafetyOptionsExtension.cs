using BulkSafety.Interception;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BulkSafety.Configuration;

/// <summary>
/// BulkSafety's EF Core options extension, found-or-created by <c>UseBulkSafety</c> and <c>UseBulkSafetyBookkeeping</c>
/// (so calling either any number of times registers one session per context). It registers the per-context
/// <see cref="GuardSession"/> — the interceptor of SaveChanges, commands and transactions — in EF's internal services.
/// The budgets are not part of the services: every context reads its own from its options, so contexts with different
/// budgets share one internal service provider.
/// </summary>
internal sealed class BulkSafetyOptionsExtension : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public BulkSafetyOptionsExtension()
    {
    }

    private BulkSafetyOptionsExtension(bool guarded, BulkSafetyOptions? options)
    {
        Guarded = guarded;
        Options = options;
    }

    /// <summary>Whether the guard judges the context's work; without it the session keeps only the declared bookkeeping.</summary>
    public bool Guarded { get; }

    /// <summary>This context's budgets; <see langword="null"/> for those of <c>AddBulkSafety</c>, else the defaults.</summary>
    public BulkSafetyOptions? Options { get; }

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    /// <summary>This extension with the guard on; <paramref name="options"/> replaces the budgets when given.</summary>
    public BulkSafetyOptionsExtension WithGuard(BulkSafetyOptions? options) => new(guarded: true, options ?? Options);

    public void ApplyServices(IServiceCollection services)
    {
        services.AddScoped<GuardSession>();
        services.AddScoped<IInterceptor>(provider => provider.GetRequiredService<GuardSession>());
        services.AddScoped<IResettableService>(provider => provider.GetRequiredService<GuardSession>());
    }

    public void Validate(IDbContextOptions options) => Options?.Validate();

    private sealed class ExtensionInfo(BulkSafetyOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private new BulkSafetyOptionsExtension Extension => (BulkSafetyOptionsExtension)base.Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => Extension.Guarded ? "using BulkSafety " : "using BulkSafety bookkeeping ";

        // The services are the same whatever the options: one internal service provider serves every configuration.
        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["BulkSafety:Guarded"] = Extension.Guarded ? "1" : "0";
    }
}
