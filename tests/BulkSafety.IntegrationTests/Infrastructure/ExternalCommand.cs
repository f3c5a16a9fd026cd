using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>What a finished command printed and how it exited.</summary>
public sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws <see cref="ExternalCommandException"/> unless the command exited with 0.</summary>
    public CommandResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new ExternalCommandException($"`{Command}` exited with {ExitCode}:\n{StandardError}\n{StandardOutput}".TrimEnd());
}

/// <summary>A command that could not be run, timed out or failed.</summary>
public sealed class ExternalCommandException(string message) : Exception(message);

/// <summary>
/// Runs a program to completion with its arguments passed verbatim (no shell), text on standard input and both
/// output streams captured. Standard input is always redirected and closed, so nothing ever waits on a terminal
/// (the tests must behave the same under <c>CI=true &lt;/dev/null</c>).
/// </summary>
public static class ExternalCommand
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>True when this process runs as root, so server commands must drop to the server's own user.</summary>
    public static bool RunningAsRoot { get; } = Environment.IsPrivilegedProcess;

    /// <summary>Runs <paramref name="fileName"/> and returns its result whatever the exit code.</summary>
    public static async Task<CommandResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var startInfo = CreateStartInfo(fileName, arguments);
        var display = Describe(startInfo);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ExternalCommandException($"could not start `{display}`: {e.Message}");
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await WriteInputAsync(process, standardInput, timeoutSource.Token);
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            // Only the process we started (and its children) is killed; nothing is matched by name.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ExternalCommandException(
                $"`{display}` did not finish within {timeout.TotalSeconds:0} s; killed pid {process.Id}.\n{await stderr}");
        }

        return new CommandResult(display, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a long-running program (a database server) without waiting for it. Its output is drained into
    /// <paramref name="outputLog"/> so that a full pipe can never block it.
    /// </summary>
    public static Process StartBackground(string fileName, IEnumerable<string> arguments, StringBuilder outputLog)
    {
        var process = new Process { StartInfo = CreateStartInfo(fileName, arguments) };
        process.OutputDataReceived += (_, e) => Append(outputLog, e.Data);
        process.ErrorDataReceived += (_, e) => Append(outputLog, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ExternalCommandException($"could not start `{fileName}`: {e.Message}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The program and arguments that run <paramref name="fileName"/> as <paramref name="user"/>: through
    /// <c>runuser</c> when we are root, directly (as the current user) otherwise.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) AsUser(string user, string fileName, params IEnumerable<string> arguments) =>
        RunningAsRoot ? ("runuser", ["-u", user, "--", fileName, .. arguments]) : (fileName, [.. arguments]);

    private static async Task WriteInputAsync(Process process, string? standardInput, CancellationToken cancellationToken)
    {
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading all of its input (a client that could not connect, say): its exit
            // code and standard error say why, so the result is returned rather than this broken pipe.
        }
    }

    private static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static string Describe(ProcessStartInfo startInfo) => string.Join(' ', [startInfo.FileName, .. startInfo.ArgumentList]);

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
