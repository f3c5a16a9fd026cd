using IncidentReplay;

// The incident replay's MariaDB mode. Exit codes: 0 the estimate is within the calibration's tolerance of the binlog,
// 1 it is not, 2 bad arguments.
var arguments = ReplayArguments.Parse(args, out var error);
if (arguments is null || arguments.Database != "mariadb")
{
    await Console.Error.WriteLineAsync($"error: {error ?? "this is the replay's MariaDB mode: run it with --database mariadb"}{Environment.NewLine}{Environment.NewLine}{ReplayArguments.Usage}");
    return 2;
}

return await MariaDbReplayConsole.RunAsync(arguments);
