using BulkSafety.Bookkeeping;
using BulkSafety.Budgets;
using BulkSafety.Configuration;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkSafety.Interception;

/// <summary>
/// What a <see cref="GuardSession"/> resolves once for its context: the budgets (the context's own, else those of
/// <c>AddBulkSafety</c>, else the defaults), the admission policy over the shared ledger, the row counts the blast
/// radius asks, the clock of the bookkeeping's touches and the model's declared bookkeeping.
/// </summary>
internal sealed class SessionSettings
{
    private SessionSettings(bool guarded, BulkSafetyOptions budgets, Admission admission, ITableRowCounts? registeredRowCounts, ITableRowCounts rowCounts, TimeProvider clock, BookkeepingModel bookkeeping)
    {
        Guarded = guarded;
        Budgets = budgets;
        Admission = admission;
        RegisteredRowCounts = registeredRowCounts;
        RowCounts = rowCounts;
        Clock = clock;
        Bookkeeping = bookkeeping;
    }

    /// <summary>Whether the guard judges the work; off, only the bookkeeping is kept.</summary>
    public bool Guarded { get; }

    public BulkSafetyOptions Budgets { get; }

    public Admission Admission { get; }

    /// <summary>Row counts registered in the application's services (tests); they replace the database's own.</summary>
    public ITableRowCounts? RegisteredRowCounts { get; }

    /// <summary>The row counts SaveChanges' blast-radius budget asks: the registered ones, else the database's.</summary>
    public ITableRowCounts RowCounts { get; }

    public TimeProvider Clock { get; }

    public BookkeepingModel Bookkeeping { get; }

    public static SessionSettings Resolve(DbContext context, BulkSafetyOptionsExtension extension)
    {
        var services = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var registration = services?.GetService(typeof(BulkSafetyRegistration)) as BulkSafetyRegistration ?? BulkSafetyRegistration.Default;
        var registeredRowCounts = services?.GetService(typeof(ITableRowCounts)) as ITableRowCounts;
        ILogger logger;
        try
        {
            logger = context.GetService<ILoggerFactory>().CreateLogger(BulkSafetyInfo.Name);
        }
        catch (InvalidOperationException)
        {
            logger = NullLogger.Instance;
        }

        var budgets = extension.Options ?? registration.Options;
        if (budgets.Profile is null)
        {
            var dialect = DatabaseDialect.Detect(context.Database.ProviderName, context.Database.GetDbConnection());
            budgets = dialect?.DefaultProfile is { } profile
                ? budgets.WithChosenProfile(profile, $"the default for {dialect.Name}")
                : budgets.WithChosenProfile(ReplicationProfile.MySqlRow(), $"a stand-in: {ProviderName(context)} writes no replication log the guard models; set BulkSafetyOptions.Profile to the production engine's", standIn: true);
        }

        return new SessionSettings(
            extension.Guarded,
            budgets,
            new Admission(registration.Ledger, registration.Metrics, logger),
            registeredRowCounts,
            registeredRowCounts ?? new DatabaseTableRowCounts(context),
            services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System,
            BookkeepingModel.For(context.Model));
    }

    private static string ProviderName(DbContext context) => context.Database.ProviderName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => "SQLite",
        "Microsoft.EntityFrameworkCore.SqlServer" => "SQL Server",
        var other => other ?? "the database",
    };

    /// <summary>How a SaveChanges or a bulk command waits over the window: only in Throttle mode, up to one window.</summary>
    public Pacing SaveChangesPacing()
        => Budgets.Mode == BulkSafetyMode.Throttle ? new ThrottlePacing(Admission.Ledger, Admission.Metrics, Admission.Logger) : Pacing.None;
}
