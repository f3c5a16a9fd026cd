namespace BulkSafety.SafePaths;

/// <summary>
/// A signal from outside the process that a batched job should wait before its next batch: replica lag, or the
/// primary's log rate (which sees every application instance, where the guard's ledger sees only this process). The job
/// asks every probe of <see cref="BatchOptions.PacingProbes"/> before each batch and, while one says wait, asks again
/// every <see cref="BatchOptions.ProbeInterval"/>.
/// </summary>
/// <remarks>
/// Built in: <see cref="PostgresReplicationLagProbe"/> and <see cref="PostgresWalRateProbe"/> (on the primary),
/// <see cref="MySqlReplicationLagProbe"/> (on a replica) and <see cref="MySqlBinlogRateProbe"/> (on the primary).
/// A probe is called by one job at a time; an exception it throws ends the job (a rerun continues).
/// </remarks>
public interface IPacingProbe
{
    /// <summary>Measures and compares with the probe's limit.</summary>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <returns>Whether to wait, and why.</returns>
    ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken);
}
