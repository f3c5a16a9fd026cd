namespace BulkSafety;

/// <summary>What the guard does with a unit of work that exceeds a budget.</summary>
public enum BulkSafetyMode
{
    /// <summary>Throw <see cref="BulkSafetyViolationException"/> before any command is sent (the default).</summary>
    Enforce,

    /// <summary>Log the violation and count it in the metrics, then let the work through.</summary>
    Warn,

    /// <summary>
    /// Make SaveChanges wait until the rolling window has room (at most one window, cancellable through the async
    /// token, logged); a unit of work that no wait can fit is blocked as in <see cref="Enforce"/>.
    /// </summary>
    Throttle,
}
