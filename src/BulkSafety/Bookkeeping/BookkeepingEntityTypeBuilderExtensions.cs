using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BulkSafety.Bookkeeping;

/// <summary>
/// Declares a parent's counter caches and touched timestamps on the model, the way Rails' <c>counter_cache</c> and
/// <c>touch</c> do, so that BulkSafety keeps them with one write per parent per SaveChanges instead of one (or two) per
/// child. The declarations are applied by <c>UseBulkSafety()</c>, or by <c>UseBulkSafetyBookkeeping()</c> on a context
/// without the guard; a context with neither ignores them.
/// </summary>
public static class BookkeepingEntityTypeBuilderExtensions
{
    /// <summary>
    /// Keeps <paramref name="counter"/> of the parent reached through <paramref name="navigation"/> equal to the number
    /// of its dependents of this type: every SaveChanges adds the net change of its Added, Deleted and re-parented
    /// dependents once per parent, skips parents that the same SaveChanges deletes, and never loads a parent to do so.
    /// A parent that SaveChanges writes anyway (tracked and modified, or added) carries the new count in that write;
    /// any other parent gets one relative <c>UPDATE … SET counter = counter + @delta</c> in the same transaction.
    /// </summary>
    /// <typeparam name="TDependent">The dependent (child) entity, e.g. <c>Post</c>.</typeparam>
    /// <typeparam name="TPrincipal">The principal (parent) entity, e.g. <c>Group</c>.</typeparam>
    /// <param name="builder">The dependent's entity type builder.</param>
    /// <param name="navigation">The dependent's reference navigation to the parent, e.g. <c>p =&gt; p.Group</c>.</param>
    /// <param name="counter">The parent's <see cref="int"/> or <see cref="long"/> counter property, e.g. <c>g =&gt; g.PostsCount</c>.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// Only changes the context tracks are counted: dependents deleted by a database cascade, by <c>ExecuteDelete</c>
    /// or by raw SQL are not (recount the parent once after such work). Declaring a counter again for the same navigation
    /// replaces it. Whether the navigation and the property exist and fit is checked at the context's first SaveChanges.
    /// </remarks>
    public static EntityTypeBuilder<TDependent> HasCounterCache<TDependent, TPrincipal>(
        this EntityTypeBuilder<TDependent> builder,
        Expression<Func<TDependent, TPrincipal?>> navigation,
        Expression<Func<TPrincipal, long>> counter)
        where TDependent : class
        where TPrincipal : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.SetAnnotation(
            BookkeepingAnnotations.CounterCache(MemberName(navigation, nameof(navigation))),
            MemberName(counter, nameof(counter)));
        return builder;
    }

    /// <summary>
    /// Sets <paramref name="timestamp"/> of the parent reached through <paramref name="navigation"/> to the current UTC
    /// time whenever a dependent of this type is added, deleted or modified — once per parent per SaveChanges, in the
    /// same write as the parent's counter caches, and not for parents that the same SaveChanges deletes. A re-parented
    /// dependent touches both parents.
    /// </summary>
    /// <typeparam name="TDependent">The dependent (child) entity, e.g. <c>Post</c>.</typeparam>
    /// <typeparam name="TPrincipal">The principal (parent) entity, e.g. <c>Group</c>.</typeparam>
    /// <param name="builder">The dependent's entity type builder.</param>
    /// <param name="navigation">The dependent's reference navigation to the parent, e.g. <c>p =&gt; p.Group</c>.</param>
    /// <param name="timestamp">The parent's <see cref="DateTime"/> property (nullable or not), e.g. <c>g =&gt; g.UpdatedAt</c>.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// The time comes from the <see cref="TimeProvider"/> registered in the application's service provider, else the
    /// system clock; a <see cref="DateTime"/> is written with <see cref="DateTimeKind.Utc"/>.
    /// </remarks>
    public static EntityTypeBuilder<TDependent> Touches<TDependent, TPrincipal>(
        this EntityTypeBuilder<TDependent> builder,
        Expression<Func<TDependent, TPrincipal?>> navigation,
        Expression<Func<TPrincipal, DateTime?>> timestamp)
        where TDependent : class
        where TPrincipal : class
        => SetTouch(builder, navigation, timestamp);

    /// <inheritdoc cref="Touches{TDependent, TPrincipal}(EntityTypeBuilder{TDependent}, Expression{Func{TDependent, TPrincipal}}, Expression{Func{TPrincipal, DateTime?}})"/>
    /// <param name="builder">The dependent's entity type builder.</param>
    /// <param name="navigation">The dependent's reference navigation to the parent, e.g. <c>p =&gt; p.Group</c>.</param>
    /// <param name="timestamp">The parent's <see cref="DateTimeOffset"/> property (nullable or not), e.g. <c>g =&gt; g.UpdatedAt</c>.</param>
    public static EntityTypeBuilder<TDependent> Touches<TDependent, TPrincipal>(
        this EntityTypeBuilder<TDependent> builder,
        Expression<Func<TDependent, TPrincipal?>> navigation,
        Expression<Func<TPrincipal, DateTimeOffset?>> timestamp)
        where TDependent : class
        where TPrincipal : class
        => SetTouch(builder, navigation, timestamp);

    private static EntityTypeBuilder<TDependent> SetTouch<TDependent>(EntityTypeBuilder<TDependent> builder, LambdaExpression navigation, LambdaExpression timestamp)
        where TDependent : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.SetAnnotation(
            BookkeepingAnnotations.Touch(MemberName(navigation, nameof(navigation))),
            MemberName(timestamp, nameof(timestamp)));
        return builder;
    }

    // x => x.Member, where the compiler may have wrapped the member in a conversion (int counter → long, DateTime → DateTime?).
    private static string MemberName(LambdaExpression? lambda, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(lambda, parameterName);
        var body = lambda.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } conversion)
        {
            body = conversion.Operand;
        }

        return body is MemberExpression { Member: PropertyInfo or FieldInfo } member && member.Expression == lambda.Parameters[0]
            ? member.Member.Name
            : throw new ArgumentException($"'{lambda}' must name one property of its parameter, e.g. 'x => x.Property'.", parameterName);
    }
}
