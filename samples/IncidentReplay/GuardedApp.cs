using BulkSafety;
using BulkSafety.Estimation;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentReplay;

/// <summary>
/// The application as a team would wire it: <c>AddBulkSafety</c> for the process-wide ledger and budgets (defaults except
/// the profile and mode), <c>UseBulkSafety</c> on the context, the guard's warnings and errors on the console.
/// </summary>
public sealed class GuardedApp : IDisposable
{
    private readonly ServiceProvider _services;

    public GuardedApp(SqliteConnection database, ReplicationProfile profile, BulkSafetyMode mode, LogLevel consoleLevel)
    {
        _services = new ServiceCollection()
            .AddLogging(logging => logging
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddFilter((category, level) => category == BulkSafetyInfo.Name && level >= consoleLevel))
            .AddBulkSafety(options =>
            {
                options.Profile = profile;
                options.Mode = mode;
            })
            .AddDbContextFactory<IncidentContext>(options => options.UseSqlite(database).UseBulkSafety())
            .BuildServiceProvider();
    }

    public IncidentContext CreateContext() => _services.GetRequiredService<IDbContextFactory<IncidentContext>>().CreateDbContext();

    public void Dispose() => _services.Dispose();
}
