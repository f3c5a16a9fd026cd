using System.Globalization;
using BulkSafety;
using BulkSafety.Estimation;

namespace IncidentReplay;

/// <summary>
/// The replay's command line: <c>--groups N</c>, <c>--profile mysql-full|mysql-minimal|postgres</c>,
/// <c>--mode enforce|warn|throttle</c>; <c>--database sqlite|mariadb</c> and, for MariaDB, <c>--connection</c>.
/// </summary>
public sealed record ReplayArguments(int Groups, string ProfileName, BulkSafetyMode Mode, string Database = "sqlite", string? Connection = null)
{
    public const int DefaultGroups = 6;
    public const int MaxGroups = 500;

    public const string Usage = """
        Replays the 2011 spam cleanup that filled a binlog partition, under the BulkSafety guard.

        Usage: dotnet run --project samples/IncidentReplay -- [options]

          --groups N        spam groups to clean up, 1-500 (default 6)
          --profile NAME    mysql-full (default), mysql-minimal or postgres
          --mode NAME       enforce (default), warn or throttle
          --database NAME   sqlite (default: in memory) or mariadb: a throwaway mariadbd on 127.0.0.1 (mariadb-server
                            must be installed), or the server of --connection; runs the naive cleanup through EF Core 9
                            and Pomelo in Warn mode with the profile detected from the server, and prints the guard's
                            estimate beside the binlog the server wrote, per table
          --connection STR  with --database mariadb: a MySqlConnector connection string to a server with a row-based
                            binlog that nothing else writes to; the replay creates database bulksafety_incident_replay
          --help            show this text
        """;

    public static ReplayArguments Default { get; } = new(DefaultGroups, "mysql-full", BulkSafetyMode.Enforce);

    public ReplicationProfile Profile => ProfileName switch
    {
        "mysql-minimal" => ReplicationProfile.MySqlRow(BinlogRowImage.Minimal),
        "postgres" => ReplicationProfile.PostgresWal(),
        _ => ReplicationProfile.MySqlRow(BinlogRowImage.Full),
    };

    /// <summary>Parses <paramref name="args"/>; <see langword="null"/> with <paramref name="error"/> set when they are invalid, and with both null for --help.</summary>
    public static ReplayArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var parsed = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                return null;
            }

            if (name is not ("--groups" or "--profile" or "--mode" or "--database" or "--connection"))
            {
                error = $"Unknown argument '{name}'.";
                return null;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"{name} needs a value.";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--groups" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var groups) && groups is >= 1 and <= MaxGroups:
                    parsed = parsed with { Groups = groups };
                    break;
                case "--groups":
                    error = $"--groups must be a whole number from 1 to {MaxGroups}, not '{value}'.";
                    return null;
                case "--profile" when value is "mysql-full" or "mysql-minimal" or "postgres":
                    parsed = parsed with { ProfileName = value };
                    break;
                case "--profile":
                    error = $"--profile must be mysql-full, mysql-minimal or postgres, not '{value}'.";
                    return null;
                case "--mode" when Enum.TryParse<BulkSafetyMode>(value, ignoreCase: true, out var mode) && value.All(char.IsLetter):
                    parsed = parsed with { Mode = mode };
                    break;
                case "--mode":
                    error = $"--mode must be enforce, warn or throttle, not '{value}'.";
                    return null;
                case "--database" when value is "sqlite" or "mariadb":
                    parsed = parsed with { Database = value };
                    break;
                case "--database":
                    error = $"--database must be sqlite or mariadb, not '{value}'.";
                    return null;
                default:
                    parsed = parsed with { Connection = value };
                    break;
            }
        }

        if (parsed.Connection is not null && parsed.Database != "mariadb")
        {
            error = "--connection needs --database mariadb.";
            return null;
        }

        return parsed;
    }
}
