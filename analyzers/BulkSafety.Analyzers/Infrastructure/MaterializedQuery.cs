using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// The <c>IQueryable&lt;T&gt;</c> behind a collection when everything between the two only runs the query:
/// <c>q</c>, <c>q.ToList()</c>, <c>await q.ToListAsync(ct)</c>, <c>q.AsEnumerable()</c>,
/// <c>q.AsAsyncEnumerable().WithCancellation(ct)</c>. This is what a set-based rewrite (<c>ExecuteDelete</c>,
/// <c>ExecuteUpdate</c>) can run instead of the loop.
/// </summary>
/// <remarks>
/// Promises: <see cref="TryCreate"/> succeeds only when dropping the materialization leaves the same rows: any other
/// operator between the query and the loop (an <c>Enumerable.Where</c> after <c>ToList()</c>, a local that holds a
/// list) makes it fail.
/// </remarks>
internal sealed class MaterializedQuery
{
    private MaterializedQuery(IOperation query, ITypeSymbol elementType, bool isAsync, IOperation? cancellationToken)
    {
        Query = query;
        ElementType = elementType;
        IsAsync = isAsync;
        CancellationToken = cancellationToken;
    }

    /// <summary>The <c>IQueryable&lt;T&gt;</c>-typed operation (its syntax is what a rewrite calls <c>ExecuteDelete</c> on).</summary>
    public IOperation Query { get; }

    /// <summary>The <c>T</c> of the query.</summary>
    public ITypeSymbol ElementType { get; }

    /// <summary>Whether the query is run asynchronously (<c>ToListAsync</c>, <c>AsAsyncEnumerable</c>, <c>await</c>).</summary>
    public bool IsAsync { get; }

    /// <summary>The cancellation token passed explicitly to the materialization, if any.</summary>
    public IOperation? CancellationToken { get; }

    /// <summary>Matches <paramref name="collection"/>; see the remarks for when it succeeds.</summary>
    public static MaterializedQuery? TryCreate(IOperation collection, EfCoreSymbols symbols)
    {
        var isAsync = false;
        IOperation? cancellationToken = null;
        var current = collection;
        while (true)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IAwaitOperation awaited:
                    isAsync = true;
                    current = awaited.Operation;
                    continue;
                case IInvocationOperation invocation when invocation.TargetMethod.Name is "ConfigureAwait" or "ToList" or "ToListAsync" or "ToArray"
                    or "ToArrayAsync" or "ToHashSet" or "ToHashSetAsync" or "AsEnumerable" or "AsAsyncEnumerable" or "WithCancellation":
                    var name = invocation.TargetMethod.Name;
                    isAsync |= name.EndsWith("Async", System.StringComparison.Ordinal) || name == "WithCancellation";
                    if (invocation.GetArgument("cancellationToken") is { IsImplicit: false } token)
                    {
                        cancellationToken ??= token.Value;
                    }

                    if (invocation.GetReceiver() is not { } receiver)
                    {
                        return null;
                    }

                    current = receiver;
                    continue;
            }

            return GetQueryableElementType(current.Type, symbols) is { } elementType
                ? new MaterializedQuery(current, elementType, isAsync, cancellationToken)
                : null;
        }
    }

    /// <summary>The <c>T</c> of an <c>IQueryable&lt;T&gt;</c> the type is or implements (a <c>DbSet&lt;T&gt;</c> included).</summary>
    public static ITypeSymbol? GetQueryableElementType(ITypeSymbol? type, EfCoreSymbols symbols)
    {
        if (type is null)
        {
            return null;
        }

        if (type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, symbols.IQueryableOfT))
        {
            return named.TypeArguments[0];
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, symbols.IQueryableOfT))
            {
                return implemented.TypeArguments[0];
            }
        }

        return null;
    }
}
