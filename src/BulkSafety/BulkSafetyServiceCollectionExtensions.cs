using BulkSafety.Budgets;
using System.Diagnostics.Metrics;
using BulkSafety.Configuration;
using BulkSafety.Interception;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BulkSafety;

/// <summary>Registers the runtime guard's process-wide state with dependency injection.</summary>
public static class BulkSafetyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger that every context of this service provider calling <c>UseBulkSafety</c> shares, and the
    /// options those contexts use when they pass no options of their own. A <see cref="TimeProvider"/> registered in the
    /// container drives the rolling window, and an <see cref="IMeterFactory"/> creates the <c>BulkSafety</c> meter. Calling it
    /// again replaces the earlier registration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the budgets, starting from the defaults. Invalid options throw here, naming the option.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddBulkSafety(this IServiceCollection services, Action<BulkSafetyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = BulkSafetyOptions.Create(configure);
        services.RemoveAll<BulkSafetyRegistration>();
        services.AddSingleton(provider => new BulkSafetyRegistration(
            options,
            new BulkSafetyLedger(provider.GetService<TimeProvider>() ?? TimeProvider.System),
            new GuardMetrics(provider.GetService<IMeterFactory>())));
        return services;
    }
}
