using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>
/// The setters of an <c>ExecuteUpdate</c> in the form the EF Core version this build targets takes — an
/// <c>Action&lt;UpdateSettersBuilder&lt;T&gt;&gt;</c> from EF Core 10, an expression over <c>SetPropertyCalls&lt;T&gt;</c>
/// before — and what they assign: what MINIMAL row images and PostgreSQL's HOT updates log. The one place that knows the
/// two forms.
/// </summary>
internal sealed class UpdateSetters<T>
{
#if NET10_0_OR_GREATER
    private Action<UpdateSettersBuilder<T>> _setters;

    public UpdateSetters(Action<UpdateSettersBuilder<T>> setters) => _setters = setters;
#else
    private static readonly System.Reflection.MethodInfo SetPropertyDefinition = typeof(SetPropertyCalls<T>).GetMethods()
        .Single(m => m.Name == nameof(SetPropertyCalls<T>.SetProperty) && m.GetParameters()[1].ParameterType.IsGenericType);

    private Expression<Func<SetPropertyCalls<T>, SetPropertyCalls<T>>> _setters;

    public UpdateSetters(Expression<Func<SetPropertyCalls<T>, SetPropertyCalls<T>>> setters) => _setters = setters;
#endif

    /// <summary>No setter yet: <see cref="Set"/> adds them.</summary>
#if NET10_0_OR_GREATER
    public static UpdateSetters<T> None() => new(static _ => { });
#else
    public static UpdateSetters<T> None() => new(static s => s);
#endif

    /// <summary>Adds <c>SetProperty(property, value)</c>.</summary>
    public UpdateSetters<T> Set<TProperty>(Expression<Func<T, TProperty>> property, Expression<Func<T, TProperty>> value)
    {
#if NET10_0_OR_GREATER
        var before = _setters;
        _setters = builder =>
        {
            before(builder);
            builder.SetProperty(property, value);
        };
#else
        var calls = Expression.Call(_setters.Body, SetPropertyDefinition.MakeGenericMethod(typeof(TProperty)), property, value);
        _setters = Expression.Lambda<Func<SetPropertyCalls<T>, SetPropertyCalls<T>>>(calls, _setters.Parameters);
#endif
        return this;
    }

    /// <summary>Runs <c>ExecuteUpdate</c> with these setters over <paramref name="query"/>.</summary>
    public Task<int> ExecuteAsync(IQueryable<T> query, bool async, CancellationToken cancellationToken)
        => BulkOperations.ExecuteUpdateAsync(query, _setters, async, cancellationToken);

    /// <summary>
    /// The properties the setters assign, or <see langword="null"/> when a setter does not name a property of
    /// <paramref name="entityType"/> plainly (the estimate then treats every column as assigned).
    /// </summary>
    public IReadOnlySet<IProperty>? AssignedProperties(IEntityType entityType)
    {
        var assigned = new HashSet<IProperty>();
        foreach (var (target, _) in Setters())
        {
            if (target is not LambdaExpression { Body: var body } || PropertyName(body) is not { } name || entityType.FindProperty(name) is not { } property)
            {
                return null;
            }

            assigned.Add(property);
        }

        return assigned;
    }

    /// <summary>
    /// The setters as text, <c>b =&gt; b.Counter = b =&gt; (b.Counter + 1)</c>, with each value the lambdas captured — which
    /// EF Core sends as a parameter — shown as its type: part of a named job's identity, which values are not.
    /// </summary>
    public string Describe()
        => string.Join(", ", Setters().Select(setter => $"{CapturedValues.Instance.Visit(setter.Target)} = {CapturedValues.Instance.Visit(AsCaptured(setter.Value))}"));

    // A value given as it is (SetProperty(p => p.Status, status)), not computed by a lambda, is sent as a parameter.
    private static Expression AsCaptured(Expression value) => value is ConstantExpression constant ? Expression.Parameter(constant.Type, $"@{constant.Type.Name}") : value;

    // The property and value expressions of each setter, in order.
    private IEnumerable<(Expression Target, Expression Value)> Setters()
    {
#if NET10_0_OR_GREATER
        // EF Core builds the setter list it translates with this builder; it is public but marked as infrastructure, so
        // reading it back is the one EF1001 here. The delegate runs once more for it, as EF Core runs it per query.
#pragma warning disable EF1001
        var builder = new UpdateSettersBuilder<T>();
        _setters(builder);
        var list = builder.BuildSettersExpression();
#pragma warning restore EF1001
        return list.Expressions.Select(setter => setter is NewExpression { Arguments: [var target, var value] } ? (target, Unquote(value)) : (setter, setter));
#else
        var setters = new Stack<(Expression, Expression)>();
        var calls = _setters.Body;
        while (calls is MethodCallExpression { Method.Name: nameof(SetPropertyCalls<T>.SetProperty), Object: var previous, Arguments: [var target, var value] })
        {
            setters.Push((Unquote(target), Unquote(value)));
            calls = previous!;
        }

        return calls is ParameterExpression ? setters : [(calls, calls)];
#endif
    }

    private static Expression Unquote(Expression expression) => expression is UnaryExpression { NodeType: ExpressionType.Quote, Operand: var quoted } ? quoted : expression;

    private static string? PropertyName(Expression body) => body switch
    {
        UnaryExpression { NodeType: ExpressionType.Convert, Operand: var operand } => PropertyName(operand),
        MemberExpression { Expression: ParameterExpression, Member.Name: var name } => name,
        MethodCallExpression { Method: { Name: nameof(EF.Property), DeclaringType: var type }, Arguments: [ParameterExpression, ConstantExpression { Value: string name }] } when type == typeof(EF) => name,
        _ => null,
    };

    /// <summary>Replaces what a setter captured — a member of a closure, a value passed as it is — with a placeholder of its type.</summary>
    private sealed class CapturedValues : ExpressionVisitor
    {
        public static CapturedValues Instance { get; } = new();

        public override Expression? Visit(Expression? node)
            => node is ConstantExpression or MemberExpression { Expression: ConstantExpression or MemberExpression } && IsCaptured(node)
                ? Expression.Parameter(node.Type, $"@{node.Type.Name}")
                : base.Visit(node);

        private static bool IsCaptured(Expression? node) => node switch
        {
            ConstantExpression constant => constant.Value is not null && !constant.Type.IsPrimitive && !constant.Type.IsEnum && constant.Type != typeof(string) && constant.Type != typeof(decimal),
            MemberExpression member => IsCaptured(member.Expression),
            _ => false,
        };
    }
}
