namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition by polling it: server readiness, replication catch-up, WAL flush.</summary>
public static class Poll
{
    /// <summary>Generous default for start-up waits: the CI machine is slow and a cold start may take a while.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> until it holds (true) or
    /// <paramref name="timeout"/> passes (false).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}
