using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// What the compilation and the document's options tell the loop rules (and their fixes) beyond the code at hand: the
/// EF mapping's unique keys and entity types, the navigation collections that are small by design
/// (<c>small_navigations</c>), and the methods that forward to EF Core's writes (<see cref="Wrappers"/>, and those named
/// in <c>save_methods</c>, <c>remove_methods</c>, <c>update_methods</c>). Built per callback, after the syntax filter has
/// let a candidate through; the mapping and the wrappers are computed once per compilation, on first use. Without facts
/// (<see langword="null"/>) <see cref="LoopSource"/> falls back to EF's key conventions.
/// </summary>
internal sealed class LoopFacts
{
    /// <summary>
    /// The option naming navigation collections that are small by design, as <c>Type.Property</c>
    /// (<c>dotnet_code_quality.small_navigations = Order.Lines, Group.Moderators</c>).
    /// </summary>
    public const string SmallNavigationsOption = "small_navigations";

    private readonly EfCompilation ef;
    private readonly AnalyzerOptions options;
    private readonly CancellationToken cancellationToken;
    private readonly ImmutableArray<string> smallNavigations;
    private readonly WrapperSettings wrapperSettings;

    private LoopFacts(EfCompilation ef, AnalyzerOptions options, ImmutableArray<string> smallNavigations, WrapperSettings wrapperSettings, CancellationToken cancellationToken)
    {
        this.ef = ef;
        this.options = options;
        this.smallNavigations = smallNavigations;
        this.wrapperSettings = wrapperSettings;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>The compilation's EF mapping (read on first use by any rule).</summary>
    public EfMapping Mapping => ef.GetMapping(cancellationToken);

    /// <summary>Reads the options of <paramref name="tree"/> for <paramref name="ruleId"/> (the rule's key first, then the shared one).</summary>
    public static LoopFacts For(EfCompilation ef, AnalyzerOptions options, SyntaxTree tree, string ruleId, CancellationToken cancellationToken)
        => new(ef, options, RuleOptions.GetList(options, tree, ruleId, SmallNavigationsOption), ef.GetWrapperSettings(options, tree, ruleId), cancellationToken);

    /// <summary>
    /// What <paramref name="call"/> forwards to EF Core's writes: from its target's body (or implementations) in the
    /// compilation, else by the wrapper conventions; completed and trimmed by the configured wrappers.
    /// </summary>
    public Forwarding ForwardingOf(IInvocationOperation call)
        => ef.GetWrappers(options, cancellationToken).ForwardingOf(
            call, wrapperSettings, tree => ef.GetWrapperSettings(options, tree, wrapperSettings.RuleId), cancellationToken);

    /// <summary>Whether <paramref name="call"/> saves: EF Core's <c>SaveChanges[Async]</c>, or a method that forwards to it.</summary>
    public bool IsSave(IInvocationOperation call)
        => EntityChanges.IsSaveChanges(call, ef.Symbols) || ForwardingOf(call).Has(ForwardedWrite.Save);

    /// <summary>
    /// Whether <paramref name="call"/> adds, updates or removes entities — EF Core's own calls or a forwarding wrapper —
    /// and the arguments that carry them (every argument of EF's calls; the entity argument of a wrapper).
    /// </summary>
    public bool IsChange(IInvocationOperation call, out EntityChangeKind kind, out ImmutableArray<IOperation> entities)
    {
        if (EntityChanges.IsChangeCall(call, ef.Symbols, out kind))
        {
            entities = call.Arguments.Select(a => a.Value).ToImmutableArray();
            return true;
        }

        var forwarding = ForwardingOf(call);
        kind = forwarding.Has(ForwardedWrite.Remove) ? EntityChangeKind.Remove : forwarding.Has(ForwardedWrite.Update) ? EntityChangeKind.Update : EntityChangeKind.Add;
        entities = forwarding.EntityArgument(call) is { } entity ? ImmutableArray.Create(entity) : ImmutableArray<IOperation>.Empty;
        return !entities.IsEmpty;
    }

    /// <summary>Whether <paramref name="call"/> is a method of the compilation that assigns a member of its own instance (a domain method such as <c>signup.Cancel()</c>).</summary>
    public bool ChangesItsInstance(IInvocationOperation call)
        => call.Instance is not null && ef.GetWrappers(options, cancellationToken).AssignsOwnState(call.TargetMethod, cancellationToken);

    /// <summary>
    /// The entity type of a repository member that returns its whole set (<c>repository.Query()</c>, <c>repository.Table</c>,
    /// <c>await repository.ListAsync()</c>) when the wrapper conventions apply; else null.
    /// </summary>
    public ITypeSymbol? RepositorySetEntity(IOperation operation)
        => !wrapperSettings.Conventions ? null
            : operation switch
            {
                IInvocationOperation invocation when invocation.GetReceiver() is { } receiver && !EntityChanges.IsEfCoreMethod(invocation.TargetMethod, ef.Symbols)
                    => WrapperConventions.RepositorySetEntity(
                        invocation.TargetMethod, receiver.Type, invocation.TargetMethod.Parameters.Skip(invocation.TargetMethod.IsExtensionMethod ? 1 : 0), invocation.Type, ef.Symbols),
                IPropertyReferenceOperation { Instance: { } instance } property
                    => WrapperConventions.RepositorySetEntity(property.Property, instance.Type, property.Property.Parameters, property.Type, ef.Symbols),
                _ => null,
            };

    /// <summary>Whether <c>small_navigations</c> names <paramref name="navigation"/> (by its declaring type's simple or full name).</summary>
    public bool IsSmallNavigation(IPropertySymbol navigation)
        => RuleOptions.NamesMember(smallNavigations, navigation);

    /// <summary>
    /// The unique keys of <paramref name="entity"/> (each a set of property names) from the EF mapping; for a type the
    /// mapping does not know, EF's conventions as far as the type shows them (<c>Id</c>, <c>&lt;Type&gt;Id</c>, <c>[Key]</c>).
    /// </summary>
    public IEnumerable<ImmutableArray<string>> UniqueKeysOf(ITypeSymbol entity)
        => Mapping.UniqueKeysOf(entity) is { } keys ? keys : ConventionalKeysOf(entity);

    /// <summary>EF's key conventions as far as the type shows them: each property named <c>Id</c> or <c>&lt;Type&gt;Id</c>, or marked <c>[Key]</c>.</summary>
    public static IEnumerable<ImmutableArray<string>> ConventionalKeysOf(ITypeSymbol entity)
        => AllProperties(entity).Where(LoopSource.IsKeyProperty).Select(p => ImmutableArray.Create(p.Name));

    /// <summary>Whether the mapping maps <paramref name="type"/> as an entity type.</summary>
    public bool IsMappedEntity(ITypeSymbol type)
        => type is INamedTypeSymbol named && Mapping.EntityTypes.Contains(named);

    private static IEnumerable<IPropertySymbol> AllProperties(ITypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                yield return property;
            }
        }
    }
}
