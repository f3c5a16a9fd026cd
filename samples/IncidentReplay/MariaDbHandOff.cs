using System.Diagnostics;
using System.Reflection;

namespace IncidentReplay;

/// <summary>
/// <c>--database mariadb</c>: Pomelo, the EF Core provider that runs on MariaDB, has no EF Core 10 build, and a process
/// loads one EF Core; so this EF Core 10 program hands the mode to its EF Core 9 sibling, samples/IncidentReplay.MariaDb,
/// run by <c>dotnet run</c> with the same arguments and build configuration, and exits with its exit code.
/// </summary>
public static class MariaDbHandOff
{
    /// <summary>The sibling's project file, as this program was built next to it.</summary>
    public static string Project { get; } = typeof(MariaDbHandOff).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MariaDbReplayProject").Value!;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var configuration = typeof(MariaDbHandOff).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var argument in (string[])["run", "--project", Project, "--configuration", configuration, "--verbosity", "quiet", "--", .. args])
        {
            start.ArgumentList.Add(argument);
        }

        using var sibling = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        await sibling.WaitForExitAsync();
        return sibling.ExitCode;
    }
}
