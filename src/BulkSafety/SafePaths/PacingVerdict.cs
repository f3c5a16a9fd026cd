namespace BulkSafety.SafePaths;

/// <summary>A <see cref="IPacingProbe"/>'s answer: go on, or wait — and what it measured.</summary>
public sealed class PacingVerdict
{
    private PacingVerdict(bool shouldWait, string observation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(observation);
        ShouldWait = shouldWait;
        Observation = observation;
    }

    /// <summary>Whether the job should wait before its next batch.</summary>
    public bool ShouldWait { get; }

    /// <summary>What the probe measured against which limit, e.g. <c>replica 'r1' is 3.2 s behind (limit 1 s)</c>.</summary>
    public string Observation { get; }

    /// <summary>The job may run its next batch.</summary>
    /// <param name="observation">What the probe measured.</param>
    public static PacingVerdict Proceed(string observation) => new(false, observation);

    /// <summary>The job should wait and ask again.</summary>
    /// <param name="observation">What the probe measured, and the limit it exceeds.</param>
    public static PacingVerdict Wait(string observation) => new(true, observation);

    /// <inheritdoc/>
    public override string ToString() => $"{(ShouldWait ? "wait" : "proceed")}: {Observation}";
}
