namespace BulkSafety.Budgets;

/// <summary>
/// One <see cref="BulkSafetyScope.Allow"/> scope: a reason, a byte limit and the bytes charged to it. The innermost open
/// scope of the async context is <see cref="Current"/>; its parents are the scopes it was opened in.
/// </summary>
internal sealed class Allowance : IDisposable
{
    private static readonly AsyncLocal<Allowance?> CurrentScope = new();

    // Charging walks the chain of scopes; one lock keeps a chain's check-and-charge atomic across parallel tasks.
    private static readonly Lock ChargeLock = new();

    private long _charged;
    private bool _disposed;

    private Allowance(string reason, long? maxBytes, Allowance? parent)
    {
        Reason = reason;
        MaxBytes = maxBytes;
        Parent = parent;
    }

    /// <summary>The innermost open allowance of the current async context.</summary>
    public static Allowance? Current
    {
        get
        {
            var scope = CurrentScope.Value;
            while (scope is { _disposed: true })
            {
                scope = scope.Parent;
            }

            return scope;
        }
    }

    public string Reason { get; }

    public long? MaxBytes { get; }

    public Allowance? Parent { get; }

    public long Charged => Interlocked.Read(ref _charged);

    public static Allowance Open(string reason, long? maxBytes)
    {
        var scope = new Allowance(reason, maxBytes, Current);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>Charges <paramref name="bytes"/> to this scope and every enclosing one if all of them have room.</summary>
    public bool TryCharge(long bytes)
    {
        lock (ChargeLock)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._disposed || (scope.MaxBytes is { } max && scope._charged + bytes > max))
                {
                    return false;
                }
            }

            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                scope._charged += bytes;
            }

            return true;
        }
    }

    /// <summary>Gives back what <see cref="TryCharge"/> took, when the unit of work did not commit.</summary>
    public void Refund(long bytes)
    {
        lock (ChargeLock)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                scope._charged -= bytes;
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (ReferenceEquals(CurrentScope.Value, this))
        {
            CurrentScope.Value = Parent;
        }
    }
}
