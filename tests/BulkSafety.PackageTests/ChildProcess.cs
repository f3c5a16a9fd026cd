using System.Diagnostics;
using System.Text;

namespace BulkSafety.PackageTests;

/// <summary>Runs the .NET CLI as a child process, the way a user would, and finds the repository it builds.</summary>
internal static class ChildProcess
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Keeps the user's global packages folder (EF Core stays cached) and quiets first-run output.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    /// <summary>Runs <paramref name="fileName"/> to its end (or the timeout) and returns its exit code and its output, both streams.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"'{fileName} {arguments}' timed out after {CommandTimeout}:\n{output}");
        }

        process.WaitForExit();
        return (process.ExitCode, $"> {fileName} {arguments}\n{output}");
    }

    /// <summary>The folder that holds BulkSafety.sln, above the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BulkSafety.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with BulkSafety.sln) is not above " + AppContext.BaseDirectory);
    }
}
