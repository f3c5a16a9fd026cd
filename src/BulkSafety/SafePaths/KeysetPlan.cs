using System.Linq.Expressions;
using System.Reflection;
using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>
/// The keyset over a batched job's query: the entity's primary key in order, the next rows' keys and stored sizes, and
/// the predicate of one batch — the rows of the query whose key lies after the last processed key and at or before the
/// last key of the batch. Bounds are closure fields, so EF Core sends them as parameters and compiles each query once.
/// </summary>
/// <remarks>
/// A batch is a key range rather than a list of keys: one index range scan and two parameters instead of thousands, and
/// the same rows, since the range is cut at keys the query just returned. Going forward in key order is what ends the
/// job even when an update changes whether a row matches: a row behind the lower bound is never read again.
/// </remarks>
internal sealed class KeysetPlan<T>
{
    private static readonly MethodInfo EfProperty = typeof(EF).GetMethod(nameof(EF.Property))!;

    // Operators that only narrow the query or say how to run it: kept.
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        nameof(Queryable.Where),
        nameof(EntityFrameworkQueryableExtensions.TagWith),
        nameof(EntityFrameworkQueryableExtensions.TagWithCallSite),
        nameof(EntityFrameworkQueryableExtensions.IgnoreQueryFilters),
        nameof(EntityFrameworkQueryableExtensions.IgnoreAutoIncludes),
        nameof(EntityFrameworkQueryableExtensions.AsNoTracking),
        nameof(EntityFrameworkQueryableExtensions.AsTracking),
        nameof(EntityFrameworkQueryableExtensions.AsNoTrackingWithIdentityResolution),
    };

    // Operators that do not change which rows match and mean nothing to a DELETE or UPDATE: dropped (the keyset orders).
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        nameof(Queryable.OrderBy),
        nameof(Queryable.OrderByDescending),
        nameof(Queryable.ThenBy),
        nameof(Queryable.ThenByDescending),
        nameof(EntityFrameworkQueryableExtensions.Include),
        nameof(EntityFrameworkQueryableExtensions.ThenInclude),
        nameof(RelationalQueryableExtensions.AsSplitQuery),
        nameof(RelationalQueryableExtensions.AsSingleQuery),
    };

    private readonly KeyBound[] _lower;
    private readonly KeyBound[] _upper;
    private readonly Expression<Func<T, bool>> _afterLower;
    private readonly Expression<Func<T, bool>> _upToUpper;
    private readonly Expression<Func<T, bool>> _betweenBounds;
    private readonly Expression<Func<T, object?[]>> _projection;

    private KeysetPlan(IQueryable<T> source, IEntityType entityType, IProperty[] key, IProperty[] measured)
    {
        Source = source;
        EntityType = entityType;
        Key = key;
        Measured = measured;
        _lower = Array.ConvertAll(key, p => KeyBound.For(p.ClrType));
        _upper = Array.ConvertAll(key, p => KeyBound.For(p.ClrType));
        var entity = Expression.Parameter(typeof(T), "e");
        var parts = Array.ConvertAll(key, p => Access(entity, p));
        _afterLower = Expression.Lambda<Func<T, bool>>(After(parts, _lower), entity);
        _upToUpper = Expression.Lambda<Func<T, bool>>(UpTo(parts, _upper), entity);
        _betweenBounds = Expression.Lambda<Func<T, bool>>(Expression.AndAlso(After(parts, _lower), UpTo(parts, _upper)), entity);
        _projection = Expression.Lambda<Func<T, object?[]>>(
            Expression.NewArrayInit(typeof(object), [.. parts.Select(Box), .. measured.Select(p => Box(Length(entity, p)))]),
            entity);
    }

    /// <summary>The caller's query with the operators that mean nothing to a batch removed.</summary>
    public IQueryable<T> Source { get; }

    public IEntityType EntityType { get; }

    /// <summary>The primary key's properties, in key order.</summary>
    public IReadOnlyList<IProperty> Key { get; }

    /// <summary>The text and binary properties whose stored sizes each row read reports, after its key values.</summary>
    public IReadOnlyList<IProperty> Measured { get; }

    public bool HasLower { get; private set; }

    /// <summary>The rows of the query after the lower bound (all of them before the first batch).</summary>
    public IQueryable<T> Remaining => HasLower ? Source.Where(_afterLower) : Source;

    /// <summary>The current batch: the rows of the query after the lower bound and at or before the upper bound.</summary>
    public IQueryable<T> Batch => HasLower ? Source.Where(_betweenBounds) : Source.Where(_upToUpper);

    /// <summary>Validates <paramref name="source"/> and builds its plan.</summary>
    public static KeysetPlan<T> Create(IQueryable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var expression = new BatchQueryCleaner().Visit(source.Expression);
        if (Root(expression) is not EntityQueryRootExpression root || root.EntityType.ClrType != typeof(T))
        {
            throw new ArgumentException(
                $"Batches need an EF Core query over the entity set of {typeof(T).Name} (e.g. context.{typeof(T).Name}s.Where(...)); this query does not start at one.",
                nameof(source));
        }

        var entityType = root.EntityType;
        var key = entityType.FindPrimaryKey()?.Properties.ToArray()
            ?? throw new NotSupportedException($"{entityType.DisplayName()} has no primary key: batches follow the primary key's order.");
        foreach (var part in key)
        {
            if (!IsOrderable(part.ClrType))
            {
                throw new NotSupportedException(
                    $"The key property {entityType.DisplayName()}.{part.Name} is a {part.ClrType.Name}: batches follow the key's order and support integer, decimal, string, Guid and date/time key parts.");
            }
        }

        return new KeysetPlan<T>(source.Provider.CreateQuery<T>(expression), entityType, key, MeasuredProperties(entityType));
    }

    /// <summary>Up to <paramref name="count"/> next rows after the lower bound, in key order: key values, then stored sizes.</summary>
    public IQueryable<object?[]> NextRows(int count)
    {
        var query = Remaining;
        for (var i = 0; i < Key.Count; i++)
        {
            var entity = Expression.Parameter(typeof(T), "e");
            var part = Expression.Lambda(Access(entity, Key[i]), entity);
            var method = i == 0 ? nameof(Queryable.OrderBy) : nameof(Queryable.ThenBy);
            query = query.Provider.CreateQuery<T>(
                Expression.Call(typeof(Queryable), method, [typeof(T), Key[i].ClrType], query.Expression, Expression.Quote(part)));
        }

        return query.Take(count).Select(_projection);
    }

    /// <summary>Sets the lower bound to a key read by <see cref="NextRows"/> (or restored from a checkpoint).</summary>
    public void SetLower(IReadOnlyList<object?> key)
    {
        Set(_lower, key);
        HasLower = true;
    }

    /// <summary>Sets the upper bound of the next <see cref="Batch"/>.</summary>
    public void SetUpper(IReadOnlyList<object?> key) => Set(_upper, key);

    private static void Set(KeyBound[] bounds, IReadOnlyList<object?> key)
    {
        for (var i = 0; i < bounds.Length; i++)
        {
            bounds[i].Set(key[i] ?? throw new InvalidOperationException("A primary key value is never null."));
        }
    }

    private static Expression Root(Expression expression)
    {
        while (expression is MethodCallExpression call && call.Arguments.Count > 0)
        {
            expression = call.Arguments[0];
        }

        return expression;
    }

    private static bool IsOrderable(Type type)
        => Type.GetTypeCode(type) is >= TypeCode.SByte and <= TypeCode.Decimal or TypeCode.DateTime or TypeCode.String
            || type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan);

    // Text and binary columns whose values EF reads as they are stored: their lengths are what a row's log bytes depend on.
    private static IProperty[] MeasuredProperties(IEntityType entityType)
        => [.. MappedTable.For(entityType)
            .SelectMany(t => t.Readers)
            .Select(r => r.Property)
            .OfType<IProperty>()
            .Where(p => (p.ClrType == typeof(string) || p.ClrType == typeof(byte[])) && StoreTypeMapper.Map(p).Converter is null)
            .Distinct()];

    private static Expression Access(ParameterExpression entity, IProperty property)
        => Expression.Call(EfProperty.MakeGenericMethod(property.ClrType), entity, Expression.Constant(property.Name));

    // Text: characters (LINQ's string.Length, the same on every provider); binary: bytes. NULL stays NULL.
    private static Expression Length(ParameterExpression entity, IProperty property)
    {
        var value = Access(entity, property);
        var length = property.ClrType == typeof(string) ? (Expression)Expression.Property(value, nameof(string.Length)) : Expression.ArrayLength(value);
        return Expression.Convert(length, typeof(int?));
    }

    private static Expression Box(Expression value) => Expression.Convert(value, typeof(object));

    // (k1, k2, …) > (b1, b2, …), lexicographically: k1 > b1 OR (k1 = b1 AND k2 > b2) OR …
    private static Expression After(Expression[] parts, KeyBound[] bounds)
        => Lexicographic(parts, bounds, Greater, orEqual: false);

    // (k1, k2, …) <= (b1, b2, …)
    private static Expression UpTo(Expression[] parts, KeyBound[] bounds)
        => Lexicographic(parts, bounds, (part, bound) => Greater(bound, part), orEqual: true);

    private static Expression Lexicographic(Expression[] parts, KeyBound[] bounds, Func<Expression, Expression, Expression> strict, bool orEqual)
    {
        Expression? result = null;
        Expression? equalSoFar = null;
        for (var i = 0; i < parts.Length; i++)
        {
            var bound = bounds[i].Access;
            var here = equalSoFar is null ? strict(parts[i], bound) : Expression.AndAlso(equalSoFar, strict(parts[i], bound));
            result = result is null ? here : Expression.OrElse(result, here);
            var equal = Expression.Equal(parts[i], bound);
            equalSoFar = equalSoFar is null ? equal : Expression.AndAlso(equalSoFar, equal);
        }

        return orEqual ? Expression.OrElse(result!, equalSoFar!) : result!;
    }

    // a > b; types without the operator (string, Guid) compare through CompareTo, which EF Core translates to ">".
    private static Expression Greater(Expression left, Expression right)
        => left.Type.IsPrimitive || left.Type.GetMethod("op_GreaterThan", [left.Type, left.Type]) is not null
            ? Expression.GreaterThan(left, right)
            : Expression.GreaterThan(Expression.Call(left, left.Type.GetMethod(nameof(IComparable<int>.CompareTo), [left.Type])!, right), Expression.Constant(0));

    /// <summary>Removes the operators in <see cref="Dropped"/> and rejects any not in <see cref="Kept"/>.</summary>
    private sealed class BatchQueryCleaner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var declaring = node.Method.DeclaringType;
            var queryOperator = declaring == typeof(Queryable) || declaring == typeof(EntityFrameworkQueryableExtensions) || declaring == typeof(RelationalQueryableExtensions);
            if (queryOperator && Dropped.Contains(node.Method.Name))
            {
                return Visit(node.Arguments[0]);
            }

            if (queryOperator && Kept.Contains(node.Method.Name))
            {
                return node.Update(node.Object, [Visit(node.Arguments[0]), .. node.Arguments.Skip(1)]);
            }

            throw new NotSupportedException(
                $"Batches delete or update the rows a filter selects: the query may use Where (and tags, tracking and query-filter options; ordering and Include are ignored), not {node.Method.Name}.");
        }
    }
}
