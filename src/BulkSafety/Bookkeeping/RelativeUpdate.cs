using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Bookkeeping;

/// <summary>
/// Writes one parent's bookkeeping as one set-based statement through EF's <c>ExecuteUpdate</c>, so the provider
/// writes the SQL and command interceptors see it: <c>UPDATE parents SET counter = counter + @delta, touched = @now
/// WHERE key = @key</c>. Relative, so concurrent writers of the same counter cannot lose each other's changes; the
/// key is a parameter, so every parent shares one cached query.
/// </summary>
internal static class RelativeUpdate
{

    private delegate Task<int> Executor(DbContext context, ParentChanges parent, DateTimeOffset now, bool async, CancellationToken cancellationToken);

    private static readonly MethodInfo ExecuteDefinition = typeof(RelativeUpdate).GetMethod(nameof(Execute), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo PropertyDefinition = typeof(EF).GetMethod(nameof(EF.Property))!;
    private static readonly ConcurrentDictionary<Type, Executor> Executors = new();

    /// <summary>Runs the parent's UPDATE; returns the rows it changed (0 when the parent no longer exists).</summary>
    public static Task<int> ExecuteAsync(DbContext context, ParentChanges parent, DateTimeOffset now, bool async, CancellationToken cancellationToken)
        => Executors.GetOrAdd(parent.EntityType.ClrType, CreateExecutor)(context, parent, now, async, cancellationToken);

    private static Executor CreateExecutor(Type clrType)
        => ExecuteDefinition.MakeGenericMethod(clrType).CreateDelegate<Executor>();

    private static Task<int> Execute<TParent>(DbContext context, ParentChanges parent, DateTimeOffset now, bool async, CancellationToken cancellationToken)
        where TParent : class
    {
        var entityType = parent.EntityType;
        var set = entityType.HasSharedClrType ? context.Set<TParent>(entityType.Name) : context.Set<TParent>();

        // Query filters (soft delete, tenants) must not hide a parent from its own bookkeeping.
        var query = set.IgnoreQueryFilters().Where(KeyEquals<TParent>(parent.Key));
        var setters = UpdateSetters<TParent>.None();
        foreach (var (counter, delta) in parent.Counters)
        {
            AddTo(setters, counter.Name, counter.ClrType, delta);
        }

        foreach (var timestamp in parent.Touches)
        {
            SetNow(setters, timestamp, now);
        }

        return setters.ExecuteAsync(query, async, cancellationToken);
    }

    // The deltas and "now" are captured variables, which EF turns into parameters: one cached query for every parent.
    private static void AddTo<TParent>(UpdateSetters<TParent> setters, string name, Type counterType, long delta)
        where TParent : class
    {
        if (counterType == typeof(int))
        {
            var intDelta = checked((int)delta);
            setters.Set(p => EF.Property<int>(p, name), p => EF.Property<int>(p, name) + intDelta);
        }
        else
        {
            setters.Set(p => EF.Property<long>(p, name), p => EF.Property<long>(p, name) + delta);
        }
    }

    private static void SetNow<TParent>(UpdateSetters<TParent> setters, IProperty timestamp, DateTimeOffset now)
        where TParent : class
    {
        var name = timestamp.Name;
        var type = timestamp.ClrType;
        var utc = now.UtcDateTime;
        if (type == typeof(DateTime))
        {
            setters.Set(p => EF.Property<DateTime>(p, name), _ => utc);
        }
        else if (type == typeof(DateTime?))
        {
            setters.Set(p => EF.Property<DateTime?>(p, name), _ => utc);
        }
        else if (type == typeof(DateTimeOffset))
        {
            setters.Set(p => EF.Property<DateTimeOffset>(p, name), _ => now);
        }
        else
        {
            setters.Set(p => EF.Property<DateTimeOffset?>(p, name), _ => now);
        }
    }

    // p => EF.Property<K1>(p, "K1") == box1.Value && ...: each value read from a StrongBox, which EF turns into a
    // parameter (a constant would be inlined into the SQL and compile a new query per parent).
    private static Expression<Func<TParent, bool>> KeyEquals<TParent>(ParentKey key)
    {
        var parameter = Expression.Parameter(typeof(TParent), "p");
        Expression? body = null;
        var properties = key.Key.Properties;
        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var column = Expression.Call(PropertyDefinition.MakeGenericMethod(property.ClrType), parameter, Expression.Constant(property.Name));
            var box = (IStrongBox)Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(property.ClrType), key.Values[i])!;
            var equals = Expression.Equal(column, Expression.Field(Expression.Constant(box), nameof(StrongBox<int>.Value)));
            body = body is null ? equals : Expression.AndAlso(body, equals);
        }

        return Expression.Lambda<Func<TParent, bool>>(body!, parameter);
    }
}
