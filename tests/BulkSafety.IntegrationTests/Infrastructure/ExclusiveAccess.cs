namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>
/// Exclusive use of one server's replication log. A log position delta is only the workload's own bytes if nobody else
/// writes between the two reads, so every measurement (setup, warm-up and measured statements) holds this for its whole
/// duration; concurrent measurements on one server queue up instead of polluting each other.
/// </summary>
public sealed class ExclusiveAccess
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Waits for exclusive access; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
