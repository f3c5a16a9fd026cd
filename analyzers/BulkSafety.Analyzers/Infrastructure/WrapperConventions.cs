using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// The names real applications give their repositories' and units of work's write methods, for the wrappers whose bodies
/// the compilation cannot see (an App project calling an Infrastructure project's repository through its interface):
/// <list type="bullet">
/// <item>a save: <c>SaveChanges[Async]</c> or <c>SaveEntities[Async]</c> on any type (a unit of work, a context's
/// interface such as <c>IApplicationDbContext</c>, a repository); <c>Commit[Async]</c>, <c>Complete[Async]</c> or
/// <c>Save[Async]</c> without arguments on a unit of work or a repository;</item>
/// <item>on a repository: a remove, <c>Delete*</c>/<c>Remove*</c> with an argument (an entity, entities or a key); an
/// update, <c>Update[Async]</c>/<c>UpdateRange[Async]</c> with an entity; an add, <c>Add*</c>/<c>Insert*</c> with an entity.
/// The written entity is the first argument;</item>
/// <item>a repository's whole set: an argument-less method or a property of a repository that returns its entities
/// (<c>Query()</c>, <c>Table</c>, <c>ListAsync()</c>, <c>GetAll()</c>).</item>
/// </list>
/// A repository is a type whose name (or the name of an interface or base type it has) ends with <c>Repository</c> or
/// <c>RepositoryBase</c>; a unit of work one whose name contains <c>UnitOfWork</c>. Instance methods and extension methods of
/// such types count. The convention is on by default (<c>wrapper_conventions = false</c> turns it off) and never applies
/// to a method whose body the compilation has (that body decides).
/// </summary>
internal static class WrapperConventions
{
    /// <summary>The <c>.editorconfig</c> option that turns the convention off (<c>dotnet_code_quality.wrapper_conventions = false</c>).</summary>
    public const string Option = "wrapper_conventions";

    private static readonly HashSet<string> SaveNames = new(StringComparer.Ordinal) { "SaveChanges", "SaveChangesAsync", "SaveEntities", "SaveEntitiesAsync" };

    private static readonly HashSet<string> UnitOfWorkSaveNames = new(StringComparer.Ordinal) { "Commit", "CommitAsync", "Complete", "CompleteAsync", "Save", "SaveAsync" };

    private static readonly HashSet<string> UpdateNames = new(StringComparer.Ordinal) { "Update", "UpdateAsync", "UpdateRange", "UpdateRangeAsync" };

    private static readonly HashSet<string> AddNames = new(StringComparer.Ordinal)
    {
        "Add", "AddAsync", "AddRange", "AddRangeAsync", "Insert", "InsertAsync", "InsertRange", "InsertRangeAsync", "InsertMany", "InsertManyAsync",
    };

    /// <summary>The writes a wrapper can be known to do by its name.</summary>
    public const ForwardedWrite AnyWrite = ForwardedWrite.Save | ForwardedWrite.Add | ForwardedWrite.Update | ForwardedWrite.Remove;

    /// <summary>
    /// Whether a call written as <paramref name="name"/> may be a conventional wrapper doing one of <paramref name="writes"/>
    /// (a syntax filter's question: a rule asks only about the writes it reports, so that BS1001 does not bind every <c>Add</c>).
    /// </summary>
    public static bool MayMatchName(string name, ForwardedWrite writes)
        => ((writes & ForwardedWrite.Save) != 0 && (SaveNames.Contains(name) || UnitOfWorkSaveNames.Contains(name)))
            || ((writes & ForwardedWrite.Update) != 0 && UpdateNames.Contains(name))
            || ((writes & ForwardedWrite.Add) != 0 && AddNames.Contains(name))
            || ((writes & ForwardedWrite.Remove) != 0 && (name.StartsWith("Delete", StringComparison.Ordinal) || name.StartsWith("Remove", StringComparison.Ordinal)));

    /// <summary>What a call of <paramref name="method"/> on a receiver of <paramref name="receiverType"/> writes by convention.</summary>
    public static Forwarding Match(IMethodSymbol method, ITypeSymbol? receiverType)
    {
        if (method.IsStatic && !method.IsExtensionMethod)
        {
            return Forwarding.None;
        }

        // An extension method called as one: its owner is the type of its this parameter.
        var isExtension = method.IsExtensionMethod && method.ReducedFrom is null;
        var owner = isExtension ? method.Parameters.FirstOrDefault()?.Type : method.ContainingType;
        var arguments = method.Parameters.Skip(isExtension ? 1 : 0).Where(p => !IsCancellationToken(p.Type)).ToList();
        var name = method.Name;
        if (SaveNames.Contains(name))
        {
            return Writes(ForwardedWrite.Save, -1);
        }

        var isRepository = IsRepository(owner) || IsRepository(receiverType);
        if (UnitOfWorkSaveNames.Contains(name))
        {
            return arguments.Count == 0 && (isRepository || IsUnitOfWork(owner) || IsUnitOfWork(receiverType)) ? Writes(ForwardedWrite.Save, -1) : Forwarding.None;
        }

        if (!isRepository || arguments.Count == 0)
        {
            return Forwarding.None;
        }

        var entity = arguments[0];
        if (name.StartsWith("Delete", StringComparison.Ordinal) || name.StartsWith("Remove", StringComparison.Ordinal))
        {
            return Writes(ForwardedWrite.Remove, entity.Ordinal);
        }

        // An update or add takes the entity itself, not a key.
        var takesEntity = entity.Type is { IsReferenceType: true, SpecialType: not SpecialType.System_String } or ITypeParameterSymbol;
        return takesEntity && UpdateNames.Contains(name) ? Writes(ForwardedWrite.Update, entity.Ordinal)
            : takesEntity && AddNames.Contains(name) ? Writes(ForwardedWrite.Add, entity.Ordinal)
            : Forwarding.None;
    }

    /// <summary>
    /// The entity type a repository's argument-less member returns the whole set of (<c>IQueryable&lt;Product&gt; Query()</c>,
    /// <c>Task&lt;List&lt;Basket&gt;&gt; ListAsync()</c>, <c>IQueryable&lt;T&gt; Table</c>), or null when <paramref name="member"/> is not one.
    /// </summary>
    public static ITypeSymbol? RepositorySetEntity(ISymbol member, ITypeSymbol? receiverType, IEnumerable<IParameterSymbol> arguments, ITypeSymbol? resultType, EfCoreSymbols symbols)
    {
        if (member.IsStatic || arguments.Any(p => !IsCancellationToken(p.Type)) || !(IsRepository(member.ContainingType) || IsRepository(receiverType)))
        {
            return null;
        }

        if (resultType is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1, ContainingNamespace: { } ns } task
            && ns.ToDisplayString() == "System.Threading.Tasks")
        {
            resultType = task.TypeArguments[0];
        }

        var element = resultType is null or { SpecialType: SpecialType.System_String } ? null : LoopSource.GetElementType(resultType, symbols);
        var entity = RepositoryEntity(receiverType) ?? RepositoryEntity(member.ContainingType);
        return element is INamedTypeSymbol { TypeKind: TypeKind.Class } && (entity is null || SymbolEqualityComparer.Default.Equals(element, entity)) ? element : null;
    }

    /// <summary>Whether the type, an interface it implements or a base type is named like a repository (<c>…Repository</c>, <c>…RepositoryBase</c>).</summary>
    public static bool IsRepository(ITypeSymbol? type) => Any(type, IsRepositoryName);

    /// <summary>Whether the type, an interface it implements or a base type is named like a unit of work (<c>…UnitOfWork…</c>).</summary>
    public static bool IsUnitOfWork(ITypeSymbol? type) => Any(type, n => n.IndexOf("UnitOfWork", StringComparison.Ordinal) >= 0);

    /// <summary>The entity a generic repository stores: <c>Order</c> for <c>IOrderRepository : IRepository&lt;Order&gt;</c> or <c>Repository&lt;Order&gt;</c>.</summary>
    public static ITypeSymbol? RepositoryEntity(ITypeSymbol? type)
    {
        if (type is null)
        {
            return null;
        }

        foreach (var candidate in TypeAndBases(type).Concat(type.AllInterfaces))
        {
            if (candidate is { IsGenericType: true } generic && IsRepositoryName(generic.Name) && generic.TypeArguments.FirstOrDefault(t => t.IsReferenceType) is { } entity)
            {
                return entity;
            }
        }

        return null;
    }

    private static bool IsRepositoryName(string name)
        => name.EndsWith("Repository", StringComparison.Ordinal) || name.EndsWith("RepositoryBase", StringComparison.Ordinal);

    private static bool Any(ITypeSymbol? type, Func<string, bool> named)
        => type is not null && (TypeAndBases(type).Any(t => named(t.Name)) || type.AllInterfaces.Any(i => named(i.Name)));

    private static IEnumerable<INamedTypeSymbol> TypeAndBases(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            yield return current;
        }
    }

    private static bool IsCancellationToken(ITypeSymbol type)
        => type is { Name: "CancellationToken", ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.Threading";

    private static Forwarding Writes(ForwardedWrite writes, int entityParameter)
        => new(writes, entityParameter, null, ImmutableArray<SyntaxNode>.Empty);
}
