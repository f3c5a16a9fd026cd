using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// Reads the EF Core model of a compilation the way EF builds it: entity types from DbSet properties, <c>Set&lt;T&gt;()</c>,
/// <c>Entity&lt;T&gt;()</c>, applied <c>IEntityTypeConfiguration&lt;T&gt;</c> classes and navigations; mapped properties;
/// relationships with EF's defaults; bookkeeping writes; and which string/byte[] columns are unbounded.
/// </summary>
/// <remarks>
/// The model spans the whole compilation, so the reader asks the compilation for the semantic model of each tree it
/// reads. Under the analyzer driver that is the driver's cached model (the same one every analyzer callback gets), so
/// nothing is bound twice; the reader only binds the bodies that configure the model and the statements that can be
/// bookkeeping, which a cheap syntax filter picks first.
/// </remarks>
internal sealed class EfModelReader
{
    private static readonly HashSet<string> CandidateInvocationNames = new(StringComparer.Ordinal)
    {
        "Set", "SetProperty", "ExecuteSqlRaw", "ExecuteSqlRawAsync", "ExecuteSql", "ExecuteSqlAsync", "ExecuteSqlInterpolated", "ExecuteSqlInterpolatedAsync",
    };

    private readonly Compilation compilation;
    private readonly EfCoreSymbols symbols;
    private readonly CancellationToken cancellationToken;
    private readonly ModelConfiguration configuration = new();
    private readonly Dictionary<SyntaxTree, SemanticModel> semanticModels = new();
    private readonly HashSet<INamedTypeSymbol> roots = new(SymbolEqualityComparer.Default);
    private readonly HashSet<INamedTypeSymbol> entities = new(SymbolEqualityComparer.Default);
    private readonly List<SyntaxNode> bookkeepingCandidates = new();
    private readonly List<(INamedTypeSymbol Entity, string Name)> dbSetNames = new();

    private EfModelReader(Compilation compilation, EfCoreSymbols symbols, CancellationToken cancellationToken)
    {
        this.compilation = compilation;
        this.symbols = symbols;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>Reads the model of <paramref name="compilation"/>. Prefer <see cref="EfCompilation.GetModel"/>, which reads it once per compilation.</summary>
    public static EfModel Read(Compilation compilation, EfCoreSymbols symbols, CancellationToken cancellationToken)
        => new EfModelReader(compilation, symbols, cancellationToken).Read();

    private EfModel Read()
    {
        var sourceTypes = SourceTypes(compilation.Assembly.GlobalNamespace).ToList();
        ReadConfiguration(sourceTypes);
        ScanStatements();
        DiscoverEntities(sourceTypes);
        var relationships = new RelationshipReader(symbols, configuration, entities).Read();
        var bookkeeping = new BookkeepingReader(symbols, configuration, entities, relationships, TableNames()).Read(BindBookkeepingCandidates(sourceTypes));
        var columns = new ColumnReader(symbols, configuration, entities, relationships, bookkeeping).Read();
        return new EfModel(entities.ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default), relationships, bookkeeping, columns);
    }

    private static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceSymbol ns)
    {
        foreach (var member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (var type in SourceTypes(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                foreach (var nested in WithNested(type))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        yield return type;
        foreach (var nested in type.GetTypeMembers().SelectMany(WithNested))
        {
            yield return nested;
        }
    }

    private SemanticModel SemanticModelFor(SyntaxTree tree)
    {
        if (!semanticModels.TryGetValue(tree, out var model))
        {
            semanticModels[tree] = model = compilation.GetSemanticModel(tree);
        }

        return model;
    }

    /// <summary>Reads OnModelCreating, ConfigureConventions, helper methods taking a builder, and the applied configuration classes.</summary>
    private void ReadConfiguration(List<INamedTypeSymbol> sourceTypes)
    {
        var reader = new ConfigurationReader(symbols, configuration);
        var configurationClasses = sourceTypes.Where(t => t.TypeKind == TypeKind.Class && !t.IsAbstract && symbols.ConfiguredEntityTypes(t).Any()).ToList();
        foreach (var type in sourceTypes)
        {
            var isContext = symbols.IsDbContext(type);
            if (isContext)
            {
                foreach (var set in type.GetMembers().OfType<IPropertySymbol>().Where(p => symbols.IsDbSet(p.Type)))
                {
                    if (set.Type is INamedTypeSymbol { TypeArguments.Length: 1 } setType && setType.TypeArguments[0] is INamedTypeSymbol entity)
                    {
                        roots.Add(entity);
                        dbSetNames.Add((entity, set.Name));
                    }
                }
            }

            var isConfigurationClass = configurationClasses.Contains(type, SymbolEqualityComparer.Default);
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                var configures = isContext && method.Name is "OnModelCreating" or "ConfigureConventions"
                    || (!isConfigurationClass && method.Parameters.Any(p => IsBuilder(p.Type)));
                if (configures)
                {
                    ReadBody(method, reader);
                }
            }
        }

        foreach (var type in configurationClasses)
        {
            if (!configuration.AppliesConfigurationsFromAssembly && !configuration.AppliedConfigurations.Contains(type))
            {
                continue;
            }

            roots.UnionWith(symbols.ConfiguredEntityTypes(type));
            foreach (var method in type.GetMembers("Configure").OfType<IMethodSymbol>())
            {
                ReadBody(method, reader);
            }
        }
    }

    private bool IsBuilder(ITypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(type, symbols.ModelBuilder)
            || SymbolEqualityComparer.Default.Equals(type, symbols.ModelConfigurationBuilder)
            || ConfigurationReader.EntityOfBuilder(type) is not null;

    private void ReadBody(IMethodSymbol method, ConfigurationReader reader)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var syntax = reference.GetSyntax(cancellationToken);
            if (SemanticModelFor(syntax.SyntaxTree).GetOperation(syntax, cancellationToken) is { } body)
            {
                reader.ReadBody(body);
            }
        }
    }

    /// <summary>
    /// One syntax pass over every tree: <c>Set&lt;T&gt;()</c> calls (entity roots), bound at once, and the statements that
    /// can be bookkeeping (<c>++</c>, <c>--</c>, <c>+= 1</c>, assignments, <c>SetProperty</c>, raw SQL), kept as syntax
    /// until the entities are known (<see cref="BindBookkeepingCandidates"/>).
    /// </summary>
    private void ScanStatements()
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var root = tree.GetRoot(cancellationToken);
            foreach (var node in root.DescendantNodes())
            {
                if (!IsCandidate(node))
                {
                    continue;
                }

                if (node is not InvocationExpressionSyntax invocation || SyntaxFilter.GetInvokedName(invocation) != "Set")
                {
                    bookkeepingCandidates.Add(node);
                }
                else if (SemanticModelFor(tree).GetOperation(node, cancellationToken) is IInvocationOperation { TargetMethod: { Name: "Set", IsGenericMethod: true } set }
                    && symbols.IsDbContext(set.ContainingType) && set.TypeArguments[0] is INamedTypeSymbol entity)
                {
                    roots.Add(entity);
                }
            }
        }
    }

    /// <summary>
    /// Binds the bookkeeping candidates that can write an entity's counter or timestamp: the increments, assignments and
    /// <c>SetProperty</c> calls whose target is named like an integer or date property of an entity type (or of a class
    /// deriving from one), and raw SQL. Binding is what costs; most candidates (<c>i++</c>, <c>Name = name</c>,
    /// <c>SetProperty(x =&gt; x.IsActive, false)</c>) stop here.
    /// </summary>
    private IEnumerable<IOperation> BindBookkeepingCandidates(List<INamedTypeSymbol> sourceTypes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in sourceTypes.Where(t => TypeAndBases(t).Any(entities.Contains)))
        {
            names.UnionWith(TypeAndBases(type).SelectMany(t => t.GetMembers()).OfType<IPropertySymbol>()
                .Where(p => BookkeepingReader.CanHoldBookkeeping(p.Type, symbols)).Select(p => p.Name));
        }

        foreach (var node in bookkeepingCandidates)
        {
            if ((WrittenName(node) is { } name ? names.Contains(name) : node is InvocationExpressionSyntax)
                && SemanticModelFor(node.SyntaxTree).GetOperation(node, cancellationToken) is { } operation)
            {
                yield return operation;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> TypeAndBases(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    // The member a candidate writes, as written: PostsCount in group.PostsCount++, in PostsCount = x and in
    // SetProperty(g => g.PostsCount, ...). Null where the syntax does not say (raw SQL): such calls are always bound.
    private static string? WrittenName(SyntaxNode node)
        => node switch
        {
            PostfixUnaryExpressionSyntax postfix => NameOf(postfix.Operand),
            PrefixUnaryExpressionSyntax prefix => NameOf(prefix.Operand),
            AssignmentExpressionSyntax assignment => NameOf(assignment.Left),
            InvocationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments } when arguments[0].Expression is LambdaExpressionSyntax { ExpressionBody: { } property } => NameOf(property),
            _ => null,
        };

    private static string? NameOf(ExpressionSyntax target)
        => target switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => null,
        };

    private static bool IsCandidate(SyntaxNode node)
    {
        switch (node)
        {
            case PostfixUnaryExpressionSyntax postfix:
                return postfix.Operand is MemberAccessExpressionSyntax or IdentifierNameSyntax
                    && (postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression));
            case PrefixUnaryExpressionSyntax prefix:
                return prefix.Operand is MemberAccessExpressionSyntax or IdentifierNameSyntax
                    && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression));
            case AssignmentExpressionSyntax assignment:
                // An object or with-initializer fills in a row being created, never rewrites an existing parent.
                if (assignment.Left is not (MemberAccessExpressionSyntax or IdentifierNameSyntax) || assignment.Parent is InitializerExpressionSyntax)
                {
                    return false;
                }

                if (assignment.IsKind(SyntaxKind.AddAssignmentExpression) || assignment.IsKind(SyntaxKind.SubtractAssignmentExpression))
                {
                    return assignment.Right is LiteralExpressionSyntax { Token.ValueText: "1" };
                }

                return assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && MayBeBookkeepingValue(assignment.Right);
            case InvocationExpressionSyntax invocation:
                return SyntaxFilter.GetInvokedName(invocation) is { } name && CandidateInvocationNames.Contains(name);
            default:
                return false;
        }
    }

    // x.C + 1, x.C - 1, anything naming Now/UtcNow/GetUtcNow, or a local that may hold "now".
    private static bool MayBeBookkeepingValue(ExpressionSyntax value)
    {
        switch (value)
        {
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression) || binary.IsKind(SyntaxKind.SubtractExpression):
                return binary.Right is LiteralExpressionSyntax { Token.ValueText: "1" };
            case IdentifierNameSyntax:
                return true;
            default:
                return value.DescendantNodesAndSelf().OfType<SimpleNameSyntax>()
                    .Any(n => n.Identifier.ValueText is "Now" or "UtcNow" or "GetUtcNow" or "GetLocalNow");
        }
    }

    /// <summary>Roots plus everything reachable through navigations, minus ignored and [NotMapped] types; owned types included.</summary>
    private void DiscoverEntities(List<INamedTypeSymbol> sourceTypes)
    {
        foreach (var owned in sourceTypes.Where(t => EfCoreSymbols.HasAttribute(t, symbols.OwnedAttribute) || EfCoreSymbols.HasAttribute(t, symbols.ComplexTypeAttribute)))
        {
            configuration.OwnedTypes.Add(owned);
        }

        roots.UnionWith(configuration.Entities);
        var queue = new Queue<INamedTypeSymbol>(roots.Concat(configuration.OwnersOfOwnedOne.Keys).Concat(configuration.OwnedMany));
        while (queue.Count > 0)
        {
            var entity = queue.Dequeue();
            if (!IsSourceClass(entity) || configuration.IgnoredTypes.Contains(entity) || EfCoreSymbols.HasAttribute(entity, symbols.NotMappedAttribute) || !entities.Add(entity))
            {
                continue;
            }

            foreach (var property in MappedProperties.Of(entity, symbols, configuration))
            {
                if (ConfigurationReader.NavigationTarget(property.Type) is not { } target || !IsSourceClass(target))
                {
                    continue;
                }

                var isCollection = !SymbolEqualityComparer.Default.Equals(target, property.Type);
                if (configuration.OwnedTypes.Contains(target))
                {
                    if (isCollection)
                    {
                        configuration.OwnedMany.Add(target);
                    }
                    else
                    {
                        ModelConfiguration.AddTo(configuration.OwnersOfOwnedOne, target, entity, SymbolEqualityComparer.Default);
                    }
                }

                queue.Enqueue(target);
            }
        }
    }

    /// <summary>The names raw SQL may use for an entity's table, most specific first: configured, DbSet, type name (plural).</summary>
    private IEnumerable<(INamedTypeSymbol Entity, string Name)> TableNames()
    {
        foreach (var pair in configuration.TableNames)
        {
            yield return (pair.Key, pair.Value);
        }

        foreach (var entity in entities)
        {
            if (EfCoreSymbols.FirstArgument(EfCoreSymbols.FindAttribute(entity, symbols.TableAttribute)) is string name)
            {
                yield return (entity, name);
            }
        }

        foreach (var pair in dbSetNames)
        {
            yield return pair;
        }

        foreach (var entity in entities)
        {
            yield return (entity, entity.Name);
            yield return (entity, entity.Name + "s");
        }
    }

    private static bool IsSourceClass(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class && type.SpecialType == SpecialType.None && type.Locations.Any(l => l.IsInSource);
}
