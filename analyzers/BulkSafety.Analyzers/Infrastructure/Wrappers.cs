using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>What a method does to EF Core's unit of work by forwarding to it.</summary>
[Flags]
internal enum ForwardedWrite
{
    None = 0,

    /// <summary>Calls <c>SaveChanges</c>/<c>SaveChangesAsync</c>.</summary>
    Save = 1,

    /// <summary>Adds the entity it is given (<c>Add</c>, <c>AddRange</c> and their async forms).</summary>
    Add = 2,

    /// <summary>Updates or attaches the entity it is given (<c>Update</c>, <c>UpdateRange</c>, <c>Attach</c>, <c>AttachRange</c>).</summary>
    Update = 4,

    /// <summary>Removes the entity it is given, or one it looks up from it (<c>Remove</c>, <c>RemoveRange</c>).</summary>
    Remove = 8,

    /// <summary>Runs a set-based update (<c>ExecuteUpdate</c>, <c>ExecuteSql*</c>).</summary>
    BulkUpdate = 16,
}

/// <summary>How one method forwards: what it writes, through which of its parameters, and in which body.</summary>
internal sealed class Forwarding
{
    public static readonly Forwarding None = new(ForwardedWrite.None, -1, null, ImmutableArray<SyntaxNode>.Empty);

    public Forwarding(ForwardedWrite writes, int entityParameter, ITypeSymbol? savedContext, ImmutableArray<SyntaxNode> bodies)
    {
        Writes = writes;
        EntityParameter = entityParameter;
        SavedContext = savedContext;
        Bodies = bodies;
    }

    public ForwardedWrite Writes { get; }

    /// <summary>The ordinal of the parameter whose entity is added, updated or removed; -1 when none.</summary>
    public int EntityParameter { get; }

    /// <summary>The type of the context the method saves, when it saves and the body shows it.</summary>
    public ITypeSymbol? SavedContext { get; }

    /// <summary>The bodies that forward (the method's own, or its implementations' for an interface or abstract method); empty for a configured wrapper.</summary>
    public ImmutableArray<SyntaxNode> Bodies { get; }

    public bool Has(ForwardedWrite write) => (Writes & write) != 0;

    /// <summary>The argument of <paramref name="call"/> that carries the written entity, if the method writes one.</summary>
    public IOperation? EntityArgument(IInvocationOperation call)
        => EntityParameter < 0 ? null : call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == EntityParameter)?.Value;

    public Forwarding Union(Forwarding other)
        => other.Writes == ForwardedWrite.None ? this
            : Writes == ForwardedWrite.None ? other
            : new Forwarding(Writes | other.Writes, EntityParameter >= 0 ? EntityParameter : other.EntityParameter, SavedContext ?? other.SavedContext, Bodies.AddRange(other.Bodies));
}

/// <summary>
/// The methods of a compilation that forward, one level deep, to EF Core's writes: a unit of work's
/// <c>CommitAsync()</c> whose body calls <c>_context.SaveChangesAsync()</c>, a repository's <c>Remove(x)</c> that calls
/// <c>_set.Remove(x)</c>, generic repositories (<c>Repository&lt;T&gt;</c>), and interface or abstract methods whose
/// implementation in the compilation forwards. Wrappers whose bodies are in other assemblies are named in
/// <c>.editorconfig</c> instead (<see cref="ConfiguredWrappers"/>).
/// </summary>
/// <remarks>
/// Found once per compilation in two steps: a syntax pass (<see cref="Find"/>) keeps the methods whose bodies call one
/// of EF's write methods by name, which is all the rules' syntax filters need (<see cref="MayForward"/>); a method is
/// bound only when a rule meets a call to it, and what binding finds is cached per method, thread-safe.
/// </remarks>
internal sealed class Wrappers
{
    private static readonly HashSet<string> ForwardedNames = new(StringComparer.Ordinal)
    {
        "SaveChanges", "SaveChangesAsync", "Add", "AddAsync", "AddRange", "AddRangeAsync", "Update", "UpdateRange", "Attach", "AttachRange",
        "Remove", "RemoveRange", "ExecuteUpdate", "ExecuteUpdateAsync", "ExecuteSqlRaw", "ExecuteSqlRawAsync", "ExecuteSql", "ExecuteSqlAsync",
        "ExecuteSqlInterpolated", "ExecuteSqlInterpolatedAsync",
    };

    private readonly Compilation compilation;
    private readonly EfCoreSymbols symbols;
    private readonly Dictionary<string, List<SyntaxNode>> candidatesByName;
    private readonly ConcurrentDictionary<IMethodSymbol, Forwarding> resolved = new(SymbolEqualityComparer.Default);

    private Wrappers(Compilation compilation, EfCoreSymbols symbols, Dictionary<string, List<SyntaxNode>> candidatesByName)
    {
        this.compilation = compilation;
        this.symbols = symbols;
        this.candidatesByName = candidatesByName;
    }

    /// <summary>The syntax pass: every method whose body calls one of EF's write methods by name.</summary>
    public static Wrappers Find(Compilation compilation, EfCoreSymbols symbols, CancellationToken cancellationToken)
    {
        var candidates = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var method in tree.GetRoot(cancellationToken).DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<MethodDeclarationSyntax>())
            {
                var body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
                if (body is not null && body.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => SyntaxFilter.GetInvokedName(i) is { } name && ForwardedNames.Contains(name)))
                {
                    var name = method.Identifier.ValueText;
                    if (!candidates.TryGetValue(name, out var list))
                    {
                        candidates[name] = list = new List<SyntaxNode>();
                    }

                    list.Add(method);
                }
            }
        }

        return new Wrappers(compilation, symbols, candidates);
    }

    /// <summary>Whether a method called <paramref name="name"/> may forward (the syntax filter's question; no binding).</summary>
    public bool MayForward(string name) => candidatesByName.ContainsKey(name);

    /// <summary>What <paramref name="method"/> (as called) forwards, from its body or its implementations' in the compilation.</summary>
    public Forwarding Resolve(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (!candidatesByName.ContainsKey(definition.Name) || EntityChanges.IsEfCoreMethod(definition, symbols))
        {
            return Forwarding.None;
        }

        return resolved.GetOrAdd(definition, d => Analyze(d, cancellationToken));
    }

    private Forwarding Analyze(IMethodSymbol definition, CancellationToken cancellationToken)
    {
        var forwarding = Forwarding.None;
        foreach (var declaration in candidatesByName[definition.Name])
        {
            var semanticModel = compilation.GetSemanticModel(declaration.SyntaxTree);
            if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is IMethodSymbol candidate && Implements(candidate, definition)
                && semanticModel.GetOperation(declaration, cancellationToken) is { } body)
            {
                forwarding = forwarding.Union(AnalyzeBody(candidate, body, declaration));
            }
        }

        return forwarding;
    }

    // The method itself, an override of it, or (for an interface method) its implementation, explicit or not.
    private static bool Implements(IMethodSymbol candidate, IMethodSymbol definition)
    {
        for (var method = candidate; method is not null; method = method.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, definition))
            {
                return true;
            }
        }

        if (candidate.ExplicitInterfaceImplementations.Any(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, definition)))
        {
            return true;
        }

        if (definition.ContainingType.TypeKind != TypeKind.Interface)
        {
            return false;
        }

        foreach (var implemented in candidate.ContainingType.AllInterfaces)
        {
            if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, definition.ContainingType))
            {
                continue;
            }

            foreach (var member in implemented.GetMembers(definition.Name).OfType<IMethodSymbol>())
            {
                if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, definition)
                    && SymbolEqualityComparer.Default.Equals(candidate.ContainingType.FindImplementationForInterfaceMember(member)?.OriginalDefinition, candidate.OriginalDefinition))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private Forwarding AnalyzeBody(IMethodSymbol method, IOperation body, SyntaxNode declaration)
    {
        var writes = ForwardedWrite.None;
        var entityParameter = -1;
        ITypeSymbol? savedContext = null;
        foreach (var call in body.Descendants().OfType<IInvocationOperation>())
        {
            if (EntityChanges.IsSaveChanges(call, symbols))
            {
                writes |= ForwardedWrite.Save;
                savedContext ??= call.GetReceiver()?.Type;
            }
            else if (EntityChanges.IsExecuteUpdate(call, symbols) || EntityChanges.IsRawSql(call, symbols))
            {
                writes |= ForwardedWrite.BulkUpdate;
            }
            else if (EntityChanges.IsChangeCall(call, symbols, out var kind) && !call.Arguments.IsEmpty
                && ParameterBehind(call.Arguments[0].Value, method, body) is { } parameter)
            {
                writes |= kind switch
                {
                    EntityChangeKind.Add => ForwardedWrite.Add,
                    EntityChangeKind.Update => ForwardedWrite.Update,
                    _ => ForwardedWrite.Remove,
                };
                entityParameter = entityParameter < 0 ? parameter.Ordinal : entityParameter;
            }
        }

        return writes == ForwardedWrite.None ? Forwarding.None : new Forwarding(writes, entityParameter, savedContext, ImmutableArray.Create(declaration));
    }

    // The method's parameter the value comes from: read directly, or through a local it initializes
    // (var entity = await _set.FindAsync(id); _set.Remove(entity)).
    private static IParameterSymbol? ParameterBehind(IOperation value, IMethodSymbol method, IOperation body)
    {
        foreach (var operation in value.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IParameterReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, method):
                    return reference.Parameter;
                case ILocalReferenceOperation local:
                    foreach (var write in body.GetWrites(local.Local))
                    {
                        if (write.DescendantsAndSelf().OfType<IParameterReferenceOperation>().FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol, method)) is { } parameter)
                        {
                            return parameter.Parameter;
                        }
                    }

                    break;
            }
        }

        return null;
    }
}

/// <summary>
/// Wrappers named in <c>.editorconfig</c> for the bodies the compilation cannot see (a repository in another assembly):
/// <c>save_methods</c>, <c>remove_methods</c> and <c>update_methods</c>, each a list of <c>Type.Method</c> (the type's
/// simple or full name; an interface names its implementations too). A remove or update method writes the entity of its
/// first argument.
/// </summary>
internal sealed class ConfiguredWrappers
{
    public const string SaveMethodsOption = "save_methods";
    public const string RemoveMethodsOption = "remove_methods";
    public const string UpdateMethodsOption = "update_methods";

    private readonly ImmutableArray<string> save;
    private readonly ImmutableArray<string> remove;
    private readonly ImmutableArray<string> update;
    private readonly HashSet<string> names;

    public ConfiguredWrappers(ImmutableArray<string> save, ImmutableArray<string> remove, ImmutableArray<string> update)
    {
        this.save = save;
        this.remove = remove;
        this.update = update;
        names = new HashSet<string>(save.Concat(remove).Concat(update).Select(e => e.Substring(e.LastIndexOf('.') + 1)), StringComparer.Ordinal);
    }

    /// <summary>Whether some configured wrapper is called <paramref name="name"/> (the syntax filter's question).</summary>
    public bool MayForward(string name) => names.Contains(name);

    /// <summary>What <paramref name="method"/> forwards by configuration.</summary>
    public Forwarding Resolve(IMethodSymbol method)
    {
        if (!names.Contains(method.Name))
        {
            return Forwarding.None;
        }

        var writes = (Names(save, method) ? ForwardedWrite.Save : ForwardedWrite.None)
            | (Names(remove, method) ? ForwardedWrite.Remove : ForwardedWrite.None)
            | (Names(update, method) ? ForwardedWrite.Update : ForwardedWrite.None);
        var entityParameter = (writes & (ForwardedWrite.Remove | ForwardedWrite.Update)) == 0 ? -1 : method.IsExtensionMethod && method.ReducedFrom is null ? 1 : 0;
        return writes == ForwardedWrite.None ? Forwarding.None : new Forwarding(writes, entityParameter, null, ImmutableArray<SyntaxNode>.Empty);
    }

    // The method, a method it overrides, or an interface method it implements, named by an entry.
    private static bool Names(ImmutableArray<string> entries, IMethodSymbol method)
    {
        if (entries.IsEmpty)
        {
            return false;
        }

        for (var current = method.ReducedFrom ?? method; current is not null; current = current.OverriddenMethod)
        {
            if (RuleOptions.NamesMember(entries, current))
            {
                return true;
            }
        }

        foreach (var implemented in method.ContainingType.AllInterfaces)
        {
            foreach (var member in implemented.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                if (RuleOptions.NamesMember(entries, member)
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
