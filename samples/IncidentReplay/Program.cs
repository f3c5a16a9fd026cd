using IncidentReplay;

// Exit codes: 0 the replay behaved as designed, 1 it did not, 2 bad arguments.
var arguments = ReplayArguments.Parse(args, out var error);
if (arguments is null)
{
    if (error is null)
    {
        Console.WriteLine(ReplayArguments.Usage);
        return 0;
    }

    await Console.Error.WriteLineAsync($"error: {error}{Environment.NewLine}{Environment.NewLine}{ReplayArguments.Usage}");
    return 2;
}

return arguments.Database == "mariadb" ? await MariaDbHandOff.RunAsync(args) : await ReplayConsole.RunAsync(arguments);
