using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
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
/// <c>_set.Remove(x)</c>, generic repositories (<c>Repository&lt;T&gt;</c>), interface or abstract methods whose
/// implementation in the compilation forwards, and helpers whose body calls a wrapper the compilation cannot see into (a
/// repository of another assembly, known by <see cref="WrapperConventions"/> or named in <c>.editorconfig</c>). A method
/// whose body (or an implementation of which) the compilation does not have is a wrapper by convention or configuration
/// only (<see cref="ForwardingOf"/>).
/// </summary>
/// <remarks>
/// Found once per compilation in two steps: a syntax pass (<see cref="Find"/>) keeps the methods whose bodies call one
/// of EF's write methods, a conventional wrapper or a configured one by name, which is all the rules' syntax filters need
/// (<see cref="MayForward"/>); a method is bound only when a rule meets a call to it, and what binding finds is cached per
/// method and rule (a rule's options can name wrappers), thread-safe. A helper's body is read, never the body of a helper it calls.
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
    private readonly Dictionary<string, List<SyntaxNode>> conventionallyNamed;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, string RuleId), Forwarding> resolved = new();
    private readonly ConcurrentDictionary<IMethodSymbol, bool> bodyVisible = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, bool> assignsOwnState = new(SymbolEqualityComparer.Default);

    private Wrappers(Compilation compilation, EfCoreSymbols symbols, Dictionary<string, List<SyntaxNode>> candidatesByName, Dictionary<string, List<SyntaxNode>> conventionallyNamed)
    {
        this.compilation = compilation;
        this.symbols = symbols;
        this.candidatesByName = candidatesByName;
        this.conventionallyNamed = conventionallyNamed;
    }

    /// <summary>
    /// The syntax pass: every method whose body calls one of EF's write methods, a conventional wrapper or one that
    /// <paramref name="configuredNames"/> gives for its tree, by name; and every method declared with a conventional name
    /// (so that an interface's implementation in the compilation is found and decides instead of the convention).
    /// </summary>
    public static Wrappers Find(Compilation compilation, EfCoreSymbols symbols, Func<SyntaxTree, ISet<string>> configuredNames, CancellationToken cancellationToken)
    {
        var candidates = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        var conventionallyNamed = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ISet<string>? configured = null;
            foreach (var method in tree.GetRoot(cancellationToken).DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<MethodDeclarationSyntax>())
            {
                var name = method.Identifier.ValueText;
                if (WrapperConventions.MayMatchName(name, WrapperConventions.AnyWrite))
                {
                    Add(conventionallyNamed, name, method);
                }

                var body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
                if (body is not null && body.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => SyntaxFilter.GetInvokedName(i) is { } called
                    && (ForwardedNames.Contains(called) || WrapperConventions.MayMatchName(called, WrapperConventions.AnyWrite) || (configured ??= configuredNames(tree)).Contains(called))))
                {
                    Add(candidates, name, method);
                }
            }
        }

        return new Wrappers(compilation, symbols, candidates, conventionallyNamed);
    }

    /// <summary>Whether a method called <paramref name="name"/> may forward through a body of the compilation (the syntax filter's question; no binding).</summary>
    public bool MayForward(string name) => candidatesByName.ContainsKey(name);

    /// <summary>
    /// What <paramref name="call"/> forwards: read from the body of its target (or of the target's implementations) when
    /// the compilation has it, else by <see cref="WrapperConventions"/> when <paramref name="settings"/> leave them on; then
    /// completed and trimmed by what <paramref name="settings"/> name. <paramref name="settingsOf"/> gives the settings of
    /// the tree a helper's body is in, for the wrappers that body calls.
    /// </summary>
    public Forwarding ForwardingOf(IInvocationOperation call, WrapperSettings settings, Func<SyntaxTree, WrapperSettings> settingsOf, CancellationToken cancellationToken)
    {
        var method = call.TargetMethod;
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (EntityChanges.IsEfCoreMethod(definition, symbols))
        {
            return Forwarding.None;
        }

        Forwarding found;
        if (IsBodyVisible(definition, cancellationToken))
        {
            found = candidatesByName.ContainsKey(definition.Name)
                ? resolved.GetOrAdd((definition, settings.RuleId), key => Analyze(key.Method, settingsOf, cancellationToken))
                : Forwarding.None;
        }
        else
        {
            found = settings.Conventions ? WrapperConventions.Match(method, call.GetReceiver()?.Type) : Forwarding.None;
        }

        return settings.Apply(method, found);
    }

    /// <summary>
    /// Whether <paramref name="method"/>, an instance method of the compilation, assigns a member of its own instance
    /// (<c>Status = Canceled</c>, <c>this.Count++</c>): a domain method that changes its entity. Methods of other assemblies: false.
    /// </summary>
    public bool AssignsOwnState(IMethodSymbol method, CancellationToken cancellationToken)
        => !method.IsStatic && assignsOwnState.GetOrAdd(method.OriginalDefinition, definition => definition.DeclaringSyntaxReferences.Any(reference =>
        {
            var declaration = reference.GetSyntax(cancellationToken);
            return compilation.GetSemanticModel(declaration.SyntaxTree).GetOperation(declaration, cancellationToken) is { } body
                && body.Descendants().Any(operation => operation switch
                {
                    IAssignmentOperation assignment => IsOwnMember(assignment.Target),
                    IIncrementOrDecrementOperation increment => IsOwnMember(increment.Target),
                    _ => false,
                });
        }));

    private static bool IsOwnMember(IOperation target)
        => target is IPropertyReferenceOperation { Instance: IInstanceReferenceOperation } or IFieldReferenceOperation { Instance: IInstanceReferenceOperation };

    // A body in the compilation: the method's own, or for an interface or abstract method an implementation's.
    private bool IsBodyVisible(IMethodSymbol definition, CancellationToken cancellationToken)
    {
        if (!definition.IsAbstract && definition.ContainingType?.TypeKind != TypeKind.Interface)
        {
            return definition.DeclaringSyntaxReferences.Length > 0;
        }

        return bodyVisible.GetOrAdd(definition, d => HasImplementation(d, candidatesByName, cancellationToken) || HasImplementation(d, conventionallyNamed, cancellationToken));
    }

    private bool HasImplementation(IMethodSymbol definition, Dictionary<string, List<SyntaxNode>> declarations, CancellationToken cancellationToken)
        => declarations.TryGetValue(definition.Name, out var list)
            && list.Any(declaration => compilation.GetSemanticModel(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken) is IMethodSymbol candidate
                && !candidate.IsAbstract && Implements(candidate, definition));

    private Forwarding Analyze(IMethodSymbol definition, Func<SyntaxTree, WrapperSettings> settingsOf, CancellationToken cancellationToken)
    {
        var forwarding = Forwarding.None;
        foreach (var declaration in candidatesByName[definition.Name])
        {
            var semanticModel = compilation.GetSemanticModel(declaration.SyntaxTree);
            if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is IMethodSymbol candidate && Implements(candidate, definition)
                && semanticModel.GetOperation(declaration, cancellationToken) is { } body)
            {
                forwarding = forwarding.Union(AnalyzeBody(candidate, body, declaration, settingsOf(declaration.SyntaxTree), cancellationToken));
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

    // EF's writes in the body, and calls of wrappers whose bodies the compilation does not have (by convention or as the
    // body's settings name them); a helper of the compilation that the body calls is not followed.
    private Forwarding AnalyzeBody(IMethodSymbol method, IOperation body, SyntaxNode declaration, WrapperSettings settings, CancellationToken cancellationToken)
    {
        var writes = ForwardedWrite.None;
        var entityParameter = -1;
        ITypeSymbol? savedContext = null;
        foreach (var call in body.Descendants().OfType<IInvocationOperation>())
        {
            var changed = ForwardedWrite.None;
            IOperation? entity = null;
            if (EntityChanges.IsSaveChanges(call, symbols))
            {
                writes |= ForwardedWrite.Save;
                savedContext ??= call.GetReceiver()?.Type;
            }
            else if (EntityChanges.IsExecuteUpdate(call, symbols) || EntityChanges.IsRawSql(call, symbols))
            {
                writes |= ForwardedWrite.BulkUpdate;
            }
            else if (EntityChanges.IsChangeCall(call, symbols, out var changeKind))
            {
                changed = changeKind switch
                {
                    EntityChangeKind.Add => ForwardedWrite.Add,
                    EntityChangeKind.Update => ForwardedWrite.Update,
                    _ => ForwardedWrite.Remove,
                };
                entity = call.Arguments.IsEmpty ? null : call.Arguments[0].Value;
            }
            else
            {
                // A wrapper whose body is not here is known by its name or configuration; one whose body is here is
                // not followed (one level), unless configuration names it.
                var knownOnlyByName = !IsBodyVisibleOrEfCore(call.TargetMethod, cancellationToken);
                if (knownOnlyByName || settings.Names(call.TargetMethod))
                {
                    var inner = settings.Apply(
                        call.TargetMethod,
                        settings.Conventions && knownOnlyByName ? WrapperConventions.Match(call.TargetMethod, call.GetReceiver()?.Type) : Forwarding.None);
                    writes |= inner.Writes & (ForwardedWrite.Save | ForwardedWrite.BulkUpdate);
                    changed = inner.Writes & (ForwardedWrite.Add | ForwardedWrite.Update | ForwardedWrite.Remove);
                    entity = inner.EntityArgument(call);
                }
            }

            if (changed != ForwardedWrite.None && entity is not null && ParameterBehind(entity, method, body) is { } parameter)
            {
                writes |= changed;
                entityParameter = entityParameter < 0 ? parameter.Ordinal : entityParameter;
            }
        }

        return writes == ForwardedWrite.None ? Forwarding.None : new Forwarding(writes, entityParameter, savedContext, ImmutableArray.Create(declaration));
    }

    private bool IsBodyVisibleOrEfCore(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        return EntityChanges.IsEfCoreMethod(definition, symbols) || IsBodyVisible(definition, cancellationToken);
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

    private static void Add(Dictionary<string, List<SyntaxNode>> map, string name, SyntaxNode method)
    {
        if (!map.TryGetValue(name, out var list))
        {
            map[name] = list = new List<SyntaxNode>();
        }

        list.Add(method);
    }
}

/// <summary>
/// What <c>.editorconfig</c> says about wrappers, for one rule in one file: the methods it names as saves
/// (<c>save_methods</c>), removes (<c>remove_methods</c>), updates (<c>update_methods</c>) and adds (<c>add_methods</c>) —
/// each a list of <c>Type.Method</c> (the type's simple or full name; an interface names its implementations too), an entry
/// written <c>!Type.Method</c> excluding the method from that role whatever its body or the convention says — and whether
/// the <see cref="WrapperConventions"/> apply (<c>wrapper_conventions</c>, default true). A configured remove, update or add
/// method writes the entity of its first argument.
/// </summary>
internal sealed class WrapperSettings
{
    public const string SaveMethodsOption = "save_methods";
    public const string RemoveMethodsOption = "remove_methods";
    public const string UpdateMethodsOption = "update_methods";
    public const string AddMethodsOption = "add_methods";

    private static readonly ImmutableArray<(string Option, ForwardedWrite Write)> Lists = ImmutableArray.Create(
        (SaveMethodsOption, ForwardedWrite.Save), (RemoveMethodsOption, ForwardedWrite.Remove), (UpdateMethodsOption, ForwardedWrite.Update), (AddMethodsOption, ForwardedWrite.Add));

    private readonly ImmutableArray<(ImmutableArray<string> Included, ImmutableArray<string> Excluded, ForwardedWrite Write)> entries;
    private readonly HashSet<string> names;

    private WrapperSettings(string ruleId, bool conventions, ImmutableArray<(ImmutableArray<string> Included, ImmutableArray<string> Excluded, ForwardedWrite Write)> entries)
    {
        RuleId = ruleId;
        Conventions = conventions;
        this.entries = entries;
        names = new HashSet<string>(entries.SelectMany(e => e.Included).Select(e => e.Substring(e.LastIndexOf('.') + 1)), StringComparer.Ordinal);
    }

    /// <summary>The rule the settings were read for.</summary>
    public string RuleId { get; }

    /// <summary>Whether the naming conventions for wrappers apply (<c>wrapper_conventions</c>).</summary>
    public bool Conventions { get; }

    /// <summary>Reads the settings of <paramref name="ruleId"/> for <paramref name="tree"/> (the rule's keys first, then the shared ones).</summary>
    public static WrapperSettings Read(AnalyzerOptions options, SyntaxTree tree, string ruleId)
    {
        var lists = Lists.Select(list =>
        {
            var entries = RuleOptions.GetList(options, tree, ruleId, list.Option);
            return (
                entries.Where(e => !e.StartsWith("!", StringComparison.Ordinal)).ToImmutableArray(),
                entries.Where(e => e.StartsWith("!", StringComparison.Ordinal)).Select(e => e.Substring(1).Trim()).ToImmutableArray(),
                list.Write);
        }).ToImmutableArray();
        return new WrapperSettings(ruleId, RuleOptions.GetBoolean(options, tree, ruleId, WrapperConventions.Option, defaultValue: true), lists);
    }

    /// <summary>Every method name the options of <paramref name="tree"/> list, for any of <paramref name="ruleIds"/> (the wrappers' syntax pass).</summary>
    public static ISet<string> NamesIn(AnalyzerOptions options, SyntaxTree tree, IEnumerable<string> ruleIds)
        => new HashSet<string>(
            ruleIds.SelectMany(rule => Lists.SelectMany(list => RuleOptions.GetList(options, tree, rule, list.Option)))
                .Select(e => e.TrimStart('!').Trim()).Select(e => e.Substring(e.LastIndexOf('.') + 1)),
            StringComparer.Ordinal);

    /// <summary>Whether some configured wrapper is called <paramref name="name"/> (the syntax filter's question).</summary>
    public bool MayForward(string name) => names.Contains(name);

    /// <summary>Whether an entry (not an exclusion) names <paramref name="method"/>.</summary>
    public bool Names(IMethodSymbol method) => names.Contains(method.Name) && entries.Any(e => NamesMethod(e.Included, method));

    /// <summary><paramref name="found"/> (from a body or the convention) with the writes the entries add and without those they exclude.</summary>
    public Forwarding Apply(IMethodSymbol method, Forwarding found)
    {
        var added = ForwardedWrite.None;
        var removed = ForwardedWrite.None;
        foreach (var (included, excluded, write) in entries)
        {
            added |= names.Contains(method.Name) && NamesMethod(included, method) ? write : ForwardedWrite.None;
            removed |= NamesMethod(excluded, method) ? write : ForwardedWrite.None;
        }

        if (added == ForwardedWrite.None && removed == ForwardedWrite.None)
        {
            return found;
        }

        var writes = (found.Writes | added) & ~removed;
        var entityParameter = (writes & (ForwardedWrite.Remove | ForwardedWrite.Update | ForwardedWrite.Add)) == 0 ? -1
            : found.EntityParameter >= 0 ? found.EntityParameter
            : method.IsExtensionMethod && method.ReducedFrom is null ? 1 : 0;
        return writes == ForwardedWrite.None ? Forwarding.None : new Forwarding(writes, entityParameter, found.SavedContext, found.Bodies);
    }

    // The method, a method it overrides, or an interface method it implements, named by an entry.
    private static bool NamesMethod(ImmutableArray<string> entries, IMethodSymbol method)
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
