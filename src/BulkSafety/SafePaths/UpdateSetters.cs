using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>Which properties an <c>ExecuteUpdate</c> setter list assigns: what MINIMAL row images and PostgreSQL's HOT updates log.</summary>
internal static class UpdateSetters
{
    /// <summary>
    /// The properties <paramref name="setters"/> assigns, or <see langword="null"/> when a setter does not name a
    /// property of <paramref name="entityType"/> plainly (the estimate then treats every column as assigned).
    /// </summary>
    public static IReadOnlySet<IProperty>? AssignedProperties<T>(IEntityType entityType, Action<UpdateSettersBuilder<T>> setters)
    {
        // EF Core builds the setter list it translates with this builder; it is public but marked as infrastructure, so
        // reading it back is the one EF1001 here. The delegate runs once more for it, as EF Core runs it per query.
#pragma warning disable EF1001
        var builder = new UpdateSettersBuilder<T>();
        setters(builder);
        var list = builder.BuildSettersExpression();
#pragma warning restore EF1001
        var assigned = new HashSet<IProperty>();
        foreach (var setter in list.Expressions)
        {
            if (setter is not NewExpression { Arguments: [LambdaExpression { Body: var body }, ..] } || PropertyName(body) is not { } name
                || entityType.FindProperty(name) is not { } property)
            {
                return null;
            }

            assigned.Add(property);
        }

        return assigned;
    }

    private static string? PropertyName(Expression body) => body switch
    {
        UnaryExpression { NodeType: ExpressionType.Convert, Operand: var operand } => PropertyName(operand),
        MemberExpression { Expression: ParameterExpression, Member.Name: var name } => name,
        MethodCallExpression { Method: { Name: nameof(EF.Property), DeclaringType: var type }, Arguments: [ParameterExpression, ConstantExpression { Value: string name }] } when type == typeof(EF) => name,
        _ => null,
    };
}
