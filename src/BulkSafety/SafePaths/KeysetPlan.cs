using System.Linq.Expressions;
using System.Reflection;
using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>
/// The keyset over a batched job's query: the entity's primary key in order, the queries that find the key ending the next
/// batch and the values that price it (run as probes by <see cref="BatchProbe{T}"/>), and the predicate of one batch — the
/// rows of the query whose key lies after the last processed key and at or before the last key of the batch. Every query
/// is the caller's query (or the bare table) composed with LINQ and translated by EF Core: the predicate a probe evaluates
/// is the one the batch statements evaluate. Bounds are closure fields, so EF Core sends them as parameters and compiles
/// each query once.
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
    private readonly Expression<Func<T, object?[]>> _firstKeyPart;
    private readonly Expression<Func<T, object?[]>> _keyParts;
    private readonly Expression<Func<T, object?[]>> _keyAndMeasuredValues;

    private KeysetPlan(IQueryable<T> source, IQueryable<T> table, IEntityType entityType, IProperty[] key, IProperty[] measured)
    {
        Source = source;
        Table = table;
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
        _firstKeyPart = Expression.Lambda<Func<T, object?[]>>(Expression.NewArrayInit(typeof(object), Box(parts[0])), entity);
        _keyParts = Expression.Lambda<Func<T, object?[]>>(Expression.NewArrayInit(typeof(object), parts.Select(Box)), entity);
        // A measured key part (a text key) is selected once, as a key part: EF Core would send a repeated column once.
        var measuredOnly = measured.Where(p => !key.Contains(p)).ToArray();
        MeasuredOrdinals = [.. measured.Select(p => Array.IndexOf(key, p) is var k and >= 0 ? k : key.Length + Array.IndexOf(measuredOnly, p))];
        _keyAndMeasuredValues = Expression.Lambda<Func<T, object?[]>>(
            Expression.NewArrayInit(typeof(object), [.. parts.Select(Box), .. measuredOnly.Select(p => Box(Access(entity, p)))]), entity);
        HasIntegerKey = key.Length == 1 && Type.GetTypeCode(key[0].GetTypeMapping().Converter?.ProviderClrType ?? key[0].ClrType) is >= TypeCode.SByte and <= TypeCode.UInt32 or TypeCode.Int64;
    }

    /// <summary>The caller's query with the operators that mean nothing to a batch removed.</summary>
    public IQueryable<T> Source { get; }

    public IEntityType EntityType { get; }

    /// <summary>The primary key's properties, in key order.</summary>
    public IReadOnlyList<IProperty> Key { get; }

    /// <summary>The text and binary properties whose stored sizes price a batch (<see cref="BatchAggregate"/>).</summary>
    public IReadOnlyList<IProperty> Measured { get; }

    /// <summary>The ordinal of each of <see cref="Measured"/> among the values <see cref="RowsAhead"/> selects.</summary>
    public IReadOnlyList<int> MeasuredOrdinals { get; }

    /// <summary>
    /// How many values <see cref="RowsAhead"/> selects per row: the key parts, then the measured values that are not key
    /// parts.
    /// </summary>
    public int RowsAheadWidth => Key.Count + Measured.Count(p => !Key.Contains(p));

    public bool HasLower { get; private set; }

    /// <summary>
    /// Whether the key is one integer column that a long holds, which orders in the application as in the database: then
    /// rows read ahead (<see cref="RowsAhead"/>) are put in key order by the application, and the database need not sort
    /// them again.
    /// </summary>
    public bool HasIntegerKey { get; }

    /// <summary>
    /// The entity's table without the caller's filter or the model's query filters: its rows in a key range are all the
    /// rows a batch over that range can change, found without evaluating anything of the caller's.
    /// </summary>
    public IQueryable<T> Table { get; }

    /// <summary>The current batch: the rows of the query after the lower bound and at or before the upper bound.</summary>
    public IQueryable<T> Batch => InBatch(Source);

    private IQueryable<T> InBatch(IQueryable<T> rows) => rows.Where(HasLower ? _betweenBounds : _upToUpper);

    private IQueryable<T> AfterLower(bool filtered)
    {
        var rows = filtered ? Source : Table;
        return HasLower ? rows.Where(_afterLower) : rows;
    }

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

        // T is an entity type (the root says so): a class, which IgnoreQueryFilters requires but T is not constrained to.
        return new KeysetPlan<T>(source.Provider.CreateQuery<T>(expression), source.Provider.CreateQuery<T>(
            Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.IgnoreQueryFilters), [typeof(T)], root)), entityType, key, MeasuredProperties(entityType));
    }

    /// <summary>
    /// The key parts, then the measured values that are not key parts (<see cref="MeasuredOrdinals"/>), of the next
    /// <paramref name="count"/> rows after the lower bound in key order.
    /// </summary>
    /// <param name="count">The most rows to read.</param>
    /// <param name="filtered">The caller's query (<see langword="true"/>) or the whole table (<see cref="Table"/>).</param>
    public IQueryable<object?[]> RowsAhead(int count, bool filtered)
        => Ordered(AfterLower(filtered)).Take(count).Select(_keyAndMeasuredValues);

    /// <summary>
    /// The key parts of the current <see cref="Batch"/>'s rows: what finding the rows the database deletes or updates below
    /// them needs.
    /// </summary>
    /// <param name="filtered">The caller's query (<see langword="true"/>) or the whole table (<see cref="Table"/>) in the batch's key range.</param>
    public IQueryable<object?[]> BatchKeys(bool filtered) => InBatch(filtered ? Source : Table).Select(_keyParts);

    /// <summary>The first key part of the rows after the lower bound: what counting them needs.</summary>
    public IQueryable<object?[]> RemainingKeys(bool filtered) => AfterLower(filtered).Select(_firstKeyPart);

    private IQueryable<T> Ordered(IQueryable<T> query)
    {
        for (var i = 0; i < Key.Count; i++)
        {
            var entity = Expression.Parameter(typeof(T), "e");
            var part = Expression.Lambda(Access(entity, Key[i]), entity);
            query = query.Provider.CreateQuery<T>(
                Expression.Call(typeof(Queryable), i == 0 ? nameof(Queryable.OrderBy) : nameof(Queryable.ThenBy), [typeof(T), Key[i].ClrType], query.Expression, Expression.Quote(part)));
        }

        return query;
    }

    /// <summary>Sets the lower bound to a key read by <see cref="RowsAhead"/> (or restored from a checkpoint).</summary>
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

    private static Expression Box(Expression value) => Expression.Convert(value, typeof(object));

    // (k1, k2, …) > (b1, b2, …), lexicographically: k1 > b1 OR (k1 = b1 AND k2 > b2) OR …
    private static Expression After(Expression[] parts, KeyBound[] bounds)
        => Lexicographic(parts, bounds, ExpressionType.GreaterThan, ExpressionType.GreaterThan, ExpressionType.GreaterThanOrEqual);

    // (k1, k2, …) <= (b1, b2, …): k1 < b1 OR (k1 = b1 AND k2 < b2) OR … OR (k1 = b1 AND … AND kn <= bn)
    private static Expression UpTo(Expression[] parts, KeyBound[] bounds)
        => Lexicographic(parts, bounds, ExpressionType.LessThan, ExpressionType.LessThanOrEqual, ExpressionType.LessThanOrEqual);

    // The last part compares by `last`, the others by `strict`. An OR is no index range to a planner (PostgreSQL scans
    // from the lower bound to the end of the index, in every batch), so a single part is one comparison, and a composite
    // key leads with the bound its first part alone gives (`lead`: k1 >= b1, k1 <= b1), which the index can range over.
    private static Expression Lexicographic(Expression[] parts, KeyBound[] bounds, ExpressionType strict, ExpressionType last, ExpressionType lead)
    {
        Expression? result = null;
        Expression? equalSoFar = null;
        for (var i = 0; i < parts.Length; i++)
        {
            var bound = bounds[i].Access;
            var compare = Compare(parts[i], bound, i == parts.Length - 1 ? last : strict);
            var here = equalSoFar is null ? compare : Expression.AndAlso(equalSoFar, compare);
            result = result is null ? here : Expression.OrElse(result, here);
            var equal = Expression.Equal(parts[i], bound);
            equalSoFar = equalSoFar is null ? equal : Expression.AndAlso(equalSoFar, equal);
        }

        return parts.Length == 1 ? result! : Expression.AndAlso(Compare(parts[0], bounds[0].Access, lead), result!);
    }

    // a op b; types without the operator (string, Guid) compare through CompareTo, which EF Core translates to the operator.
    private static Expression Compare(Expression left, Expression right, ExpressionType comparison)
        => left.Type.IsPrimitive || left.Type.GetMethod("op_GreaterThan", [left.Type, left.Type]) is not null
            ? Expression.MakeBinary(comparison, left, right)
            : Expression.MakeBinary(comparison, Expression.Call(left, left.Type.GetMethod(nameof(IComparable<int>.CompareTo), [left.Type])!, right), Expression.Constant(0));

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
