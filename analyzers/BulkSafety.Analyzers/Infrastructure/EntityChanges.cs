using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>What an EF Core change call does to the entities passed to it.</summary>
internal enum EntityChangeKind
{
    /// <summary><c>Add</c>, <c>AddAsync</c>, <c>AddRange</c>, <c>AddRangeAsync</c>.</summary>
    Add,

    /// <summary><c>Update</c>, <c>UpdateRange</c>, <c>Attach</c>, <c>AttachRange</c>.</summary>
    Update,

    /// <summary><c>Remove</c>, <c>RemoveRange</c>.</summary>
    Remove,
}

/// <summary>
/// Recognizes the EF Core calls that change what a context will write, <c>SaveChanges</c>, the set-based commands, and
/// the places where EF Core itself runs user code while saving. Method names are compared first, symbols second.
/// </summary>
internal static class EntityChanges
{
    /// <summary>
    /// Whether <paramref name="invocation"/> is <c>Add</c>/<c>Update</c>/<c>Attach</c>/<c>Remove</c> (or a range or async form)
    /// on a <c>DbSet&lt;T&gt;</c> or a <c>DbContext</c>.
    /// </summary>
    public static bool IsChangeCall(IInvocationOperation invocation, EfCoreSymbols symbols, out EntityChangeKind kind)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "Add" or "AddAsync" or "AddRange" or "AddRangeAsync":
                kind = EntityChangeKind.Add;
                break;
            case "Update" or "UpdateRange" or "Attach" or "AttachRange":
                kind = EntityChangeKind.Update;
                break;
            case "Remove" or "RemoveRange":
                kind = EntityChangeKind.Remove;
                break;
            default:
                kind = default;
                return false;
        }

        var type = invocation.TargetMethod.ContainingType;
        return symbols.IsDbSet(type) || symbols.IsDbContext(type);
    }

    /// <summary>Whether <paramref name="invocation"/> is <c>SaveChanges</c> or <c>SaveChangesAsync</c> of a <c>DbContext</c>.</summary>
    public static bool IsSaveChanges(IInvocationOperation invocation, EfCoreSymbols symbols)
        => invocation.TargetMethod.Name is "SaveChanges" or "SaveChangesAsync"
            && symbols.IsDbContext(invocation.TargetMethod.ContainingType);

    /// <summary>Whether <paramref name="invocation"/> is <c>ExecuteDelete</c> or <c>ExecuteDeleteAsync</c> (EF Core 7 and later).</summary>
    public static bool IsExecuteDelete(IInvocationOperation invocation, EfCoreSymbols symbols)
        => invocation.TargetMethod.Name is "ExecuteDelete" or "ExecuteDeleteAsync" && IsQueryableExtension(invocation, symbols);

    /// <summary>Whether <paramref name="invocation"/> is <c>ExecuteUpdate</c> or <c>ExecuteUpdateAsync</c> (EF Core 7 and later).</summary>
    public static bool IsExecuteUpdate(IInvocationOperation invocation, EfCoreSymbols symbols)
        => invocation.TargetMethod.Name is "ExecuteUpdate" or "ExecuteUpdateAsync" && IsQueryableExtension(invocation, symbols);

    /// <summary>Whether <paramref name="invocation"/> is raw SQL on the database facade (<c>ExecuteSqlRaw</c>, <c>ExecuteSql</c>, <c>ExecuteSqlInterpolated</c> and their async forms).</summary>
    public static bool IsRawSql(IInvocationOperation invocation, EfCoreSymbols symbols)
        => invocation.TargetMethod.Name.StartsWith("ExecuteSql", System.StringComparison.Ordinal)
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, symbols.RelationalDatabaseFacadeExtensions);

    /// <summary>Whether <paramref name="method"/> is EF Core's own (a <c>DbContext</c>, <c>DbSet</c> or extension method), never a user's wrapper.</summary>
    public static bool IsEfCoreMethod(IMethodSymbol method, EfCoreSymbols symbols)
        => method.ContainingType is { } type
            && (SymbolEqualityComparer.Default.Equals(type, symbols.DbContext) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, symbols.DbSet)
                || type.ContainingNamespace?.ToDisplayString().StartsWith("Microsoft.EntityFrameworkCore", System.StringComparison.Ordinal) == true);

    /// <summary>
    /// Whether <paramref name="member"/> (the symbol an operation action reports as containing) is code that EF Core runs
    /// while saving: a <c>SaveChanges</c>/<c>SaveChangesAsync</c> override of a context, or a member of a SaveChanges
    /// interceptor. Loops there see the current unit of work, which EF Core writes in one transaction.
    /// </summary>
    public static bool IsInSaveChangesPipeline(ISymbol? member, EfCoreSymbols symbols)
    {
        var method = member as IMethodSymbol;
        while (method is { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            method = method.ContainingSymbol as IMethodSymbol;
        }

        if (method is null)
        {
            return false;
        }

        if (method.Name is "SaveChanges" or "SaveChangesAsync" && method.IsOverride && symbols.IsDbContext(method.ContainingType))
        {
            return true;
        }

        for (var type = method.ContainingType; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, symbols.SaveChangesInterceptor))
            {
                return true;
            }
        }

        foreach (var implemented in method.ContainingType.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, symbols.ISaveChangesInterceptor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="entityType"/> is mapped by <paramref name="contextType"/> through a <c>DbSet&lt;T&gt;</c>
    /// property (its own or inherited). Entities configured only in <c>OnModelCreating</c> are not seen.
    /// </summary>
    public static bool IsMappedBy(ITypeSymbol? contextType, ITypeSymbol entityType, EfCoreSymbols symbols)
    {
        for (var type = contextType; type is not null && !SymbolEqualityComparer.Default.Equals(type, symbols.DbContext); type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IPropertySymbol property
                    && LoopSource.TryGetDbSetEntity(property.Type, symbols) is { } mapped
                    && SymbolEqualityComparer.Default.Equals(mapped, entityType))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsQueryableExtension(IInvocationOperation invocation, EfCoreSymbols symbols)
    {
        var type = invocation.TargetMethod.ContainingType;
        return SymbolEqualityComparer.Default.Equals(type, symbols.EntityFrameworkQueryableExtensions)
            || SymbolEqualityComparer.Default.Equals(type, symbols.RelationalQueryableExtensions);
    }
}
