using System.Linq.Expressions;

namespace BulkSafety.SafePaths;

/// <summary>One part of a key bound: a closure field EF Core reads as a query parameter.</summary>
internal abstract class KeyBound
{
    public abstract Expression Access { get; }

    public static KeyBound For(Type type) => (KeyBound)Activator.CreateInstance(typeof(KeyBound<>).MakeGenericType(type))!;

    public abstract void Set(object value);
}

/// <summary>A key part of type <typeparamref name="TValue"/>.</summary>
internal sealed class KeyBound<TValue> : KeyBound
{
    // A field, not a property: EF Core's funcletizer turns a field of a constant into a named query parameter.
    public TValue Value = default!;

    public KeyBound()
    {
        Access = Expression.Field(Expression.Constant(this), typeof(KeyBound<TValue>).GetField(nameof(Value))!);
    }

    public override Expression Access { get; }

    public override void Set(object value) => Value = (TValue)value;
}
