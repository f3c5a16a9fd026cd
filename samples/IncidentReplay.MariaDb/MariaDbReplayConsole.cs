using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace IncidentReplay;

/// <summary>The MariaDB replay on the console: the stack it runs on, progress, then the estimate beside the binlog per table.</summary>
public static class MariaDbReplayConsole
{
    public static async Task<int> RunAsync(ReplayArguments arguments)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
            AnsiConsole.Profile.Width = 120;
        }

        AnsiConsole.Write(new Rule("[bold]BulkSafety incident replay on MariaDB[/]").LeftJustified());
        AnsiConsole.MarkupLine(Markup.Escape($"EF Core {Version(typeof(DbContext))}, Pomelo {Version(typeof(MySqlDbContextOptionsBuilderExtensions))}, MySqlConnector {Version(typeof(MySqlConnector.MySqlConnection))} on .NET {Environment.Version}."));

        ThrowawayMariaDb? throwaway = null;
        try
        {
            if (arguments.Connection is null)
            {
                AnsiConsole.MarkupLine("Starting a throwaway mariadbd on 127.0.0.1 (row-based binlog, FULL row images)…");
                throwaway = await ThrowawayMariaDb.StartAsync();
            }

            var result = await RunWithStatusAsync(arguments, throwaway?.ConnectionString ?? arguments.Connection!);
            Show(result);
            return result.WithinTolerance ? 0 : 1;
        }
        finally
        {
            if (throwaway is not null)
            {
                await throwaway.DisposeAsync();
            }
        }
    }

    private static async Task<MariaDbReplayResult> RunWithStatusAsync(ReplayArguments arguments, string connectionString)
    {
        MariaDbReplayResult? result = null;
        await AnsiConsole.Status().StartAsync($"Seeding {arguments.Groups} spam groups into {MariaDbReplay.DatabaseName}…", async status =>
        {
            // A log or pipe would get one line per change of the status: only a terminal is told each child.
            var childrenDeleted = Console.IsOutputRedirected ? null : new SyncProgress(n => status.Status(Invariant($"Naive cleanup, one SaveChanges per child (Warn mode): {n:N0} children deleted…")));
            result = await MariaDbReplay.RunAsync(connectionString, arguments.Groups, childrenDeleted);
        });
        return result!;
    }

    private static void Show(MariaDbReplayResult result)
    {
        AnsiConsole.MarkupLine(Invariant($"{result.Seeded.Groups} groups, {result.Seeded.Posts:N0} posts, {result.Seeded.Memberships:N0} memberships deleted one child per SaveChanges; profile [bold]{result.ProfileName}[/] (detected from the server); {result.Violations:N0} budget violations logged (Warn)."));
        var table = new Table()
            .Title("Estimated (the guard, before each SaveChanges) and measured (SHOW BINLOG EVENTS) binlog bytes")
            .AddColumns("table", "transactions", "estimated B", "measured B", "difference B", "tolerance B", "");
        foreach (var row in result.Tables.Append(result.Total))
        {
            table.AddRow(
                Markup.Escape(row.Table),
                Invariant($"{row.Measured.Transactions:N0}"),
                Invariant($"{row.Estimated:N0}"),
                Invariant($"{row.Measured.Bytes:N0}"),
                Invariant($"{row.Difference:+#,0;-#,0;0}"),
                Invariant($"±{row.Allowed:N0}"),
                row.WithinTolerance ? "[green]within[/]" : "[red]outside[/]");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(result.WithinTolerance
            ? "[green]The estimate is within the calibration's tolerance (±1 % or ±64 B per transaction) for every table.[/]"
            : "[red]The estimate is outside the calibration's tolerance (±1 % or ±64 B per transaction)[/] (see above).");
    }

    private static string Version(Type type) =>
        type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
