namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>Whether a process id still runs, read from <c>/proc</c>.</summary>
public static class ProcessState
{
    /// <summary>
    /// True when <paramref name="pid"/> no longer runs: no <c>/proc/pid</c> entry, or a zombie (exited, waiting for a
    /// parent that is not us to reap it: a postmaster started by <c>pg_ctl</c> is re-parented once pg_ctl exits).
    /// </summary>
    public static bool HasExited(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }

        // "pid (comm) S ..." - comm may contain spaces and parentheses, the state follows the last ')'.
        var state = stat[(stat.LastIndexOf(')') + 2)..];
        return state.StartsWith('Z') || state.StartsWith('X');
    }
}
