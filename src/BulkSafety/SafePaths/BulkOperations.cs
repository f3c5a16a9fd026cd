using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>
/// <c>ExecuteDelete</c> and <c>ExecuteUpdate</c> as the EF Core version in use declares them. The net10.0 build calls
/// EF Core 10 directly. The net8.0 build serves EF Core 8 and 9, and EF Core 9 moved both methods from
/// <c>RelationalQueryableExtensions</c> to <c>EntityFrameworkQueryableExtensions</c> (same signatures): a call compiled
/// against EF Core 8 would not bind on EF Core 9, so this build finds each method, once, in whichever class has it.
/// </summary>
internal static class BulkOperations
{
#if NET10_0_OR_GREATER
    public static Task<int> ExecuteDeleteAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.ExecuteDeleteAsync(cancellationToken);

    public static Task<int> ExecuteUpdateAsync<T>(IQueryable<T> query, Action<UpdateSettersBuilder<T>> setters, bool async, CancellationToken cancellationToken)
        => async ? query.ExecuteUpdateAsync(setters, cancellationToken) : Task.FromResult(query.ExecuteUpdate(setters));
#else
    private static readonly MethodInfo ExecuteDeleteAsyncDefinition = Find("ExecuteDeleteAsync");
    private static readonly MethodInfo ExecuteUpdateDefinition = Find("ExecuteUpdate");
    private static readonly MethodInfo ExecuteUpdateAsyncDefinition = Find("ExecuteUpdateAsync");

    public static Task<int> ExecuteDeleteAsync<T>(IQueryable<T> query, CancellationToken cancellationToken)
        => (Task<int>)Invoke(ExecuteDeleteAsyncDefinition, typeof(T), query, cancellationToken);

    public static Task<int> ExecuteUpdateAsync<T>(IQueryable<T> query, Expression<Func<SetPropertyCalls<T>, SetPropertyCalls<T>>> setters, bool async, CancellationToken cancellationToken)
        => async
            ? (Task<int>)Invoke(ExecuteUpdateAsyncDefinition, typeof(T), query, setters, cancellationToken)
            : Task.FromResult((int)Invoke(ExecuteUpdateDefinition, typeof(T), query, setters));

    private static MethodInfo Find(string name)
        => new[] { typeof(EntityFrameworkQueryableExtensions), typeof(RelationalQueryableExtensions) }
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .FirstOrDefault(method => method.Name == name && method.IsGenericMethodDefinition)
            ?? throw new MissingMethodException($"EF Core declares no {name}: the net8.0 build of BulkSafety supports EF Core 8 and 9.");

    private static object Invoke(MethodInfo definition, Type entity, params object[] arguments)
    {
        try
        {
            return definition.MakeGenericMethod(entity).Invoke(null, arguments)!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }
#endif
}
