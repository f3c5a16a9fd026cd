using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Model;

/// <summary>What fluent calls say about one property of one entity type.</summary>
internal sealed class PropertyConfiguration
{
    public int? MaxLength { get; set; }

    /// <summary>A length or column type that is not a compile-time constant: configured, but unknown.</summary>
    public bool HasUnknownBound { get; set; }

    public string? ColumnType { get; set; }
    public bool? IsUnicode { get; set; }
    public bool IsRowVersion { get; set; }

    /// <summary>The first <c>Property(x =&gt; x.P)</c> call: where <c>.HasMaxLength(n)</c> can go.</summary>
    public SyntaxNode? PropertyCall { get; set; }
}

/// <summary>A relationship as one fluent chain states it (<c>HasMany(...).WithOne(...).HasForeignKey(...).OnDelete(...)</c>).</summary>
internal sealed class FluentRelationship
{
    public FluentRelationship(INamedTypeSymbol configuredEntity, bool startsWithMany, INamedTypeSymbol related, IPropertySymbol? firstNavigation, Location location)
    {
        ConfiguredEntity = configuredEntity;
        StartsWithMany = startsWithMany;
        Related = related;
        FirstNavigation = firstNavigation;
        Location = location;
    }

    public INamedTypeSymbol ConfiguredEntity { get; }
    public bool StartsWithMany { get; }
    public INamedTypeSymbol Related { get; }
    public IPropertySymbol? FirstNavigation { get; }
    public Location Location { get; }

    /// <summary>Null without a <c>With...</c> call; true for <c>WithMany</c>.</summary>
    public bool? EndsWithMany { get; set; }

    public IPropertySymbol? SecondNavigation { get; set; }

    /// <summary>The <c>T</c> of <c>HasForeignKey&lt;T&gt;</c> (one-to-one: names the dependent).</summary>
    public INamedTypeSymbol? ForeignKeyOwner { get; set; }

    public List<string> ForeignKeyNames { get; } = new();
    public DeleteBehavior? OnDelete { get; set; }
    public bool? IsRequired { get; set; }
}

/// <summary>How a hierarchy is mapped to tables.</summary>
internal enum MappingStrategy
{
    TablePerHierarchy,
    TablePerType,
    TablePerConcreteType,
}

/// <summary>
/// Everything the fluent API of the compilation configures (OnModelCreating, applied IEntityTypeConfiguration classes,
/// helper methods taking a builder, ConfigureConventions). Filled by <see cref="ConfigurationReader"/>.
/// </summary>
internal sealed class ModelConfiguration
{
    private readonly Dictionary<IPropertySymbol, Dictionary<INamedTypeSymbol, PropertyConfiguration>> properties = new(SymbolEqualityComparer.Default);

    public HashSet<INamedTypeSymbol> Entities { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The first <c>modelBuilder.Entity&lt;T&gt;()</c> of each entity type: where its mapping is written.</summary>
    public Dictionary<INamedTypeSymbol, Location> EntityCalls { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The first <c>OwnsOne</c>/<c>OwnsMany</c>/<c>ComplexProperty</c> call of each owned type: where its mapping is written.</summary>
    public Dictionary<INamedTypeSymbol, Location> OwnedCalls { get; } = new(SymbolEqualityComparer.Default);
    public HashSet<INamedTypeSymbol> OwnedTypes { get; } = new(SymbolEqualityComparer.Default);
    public Dictionary<INamedTypeSymbol, HashSet<INamedTypeSymbol>> OwnersOfOwnedOne { get; } = new(SymbolEqualityComparer.Default);
    public HashSet<INamedTypeSymbol> OwnedMany { get; } = new(SymbolEqualityComparer.Default);
    public HashSet<INamedTypeSymbol> JsonOwned { get; } = new(SymbolEqualityComparer.Default);
    public HashSet<INamedTypeSymbol> IgnoredTypes { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Entity types that are not written as table rows: views, SQL queries, functions, keyless types.</summary>
    public HashSet<INamedTypeSymbol> NotTables { get; } = new(SymbolEqualityComparer.Default);

    public Dictionary<INamedTypeSymbol, HashSet<string>> IgnoredProperties { get; } = new(SymbolEqualityComparer.Default);
    /// <summary><c>HasKey(...)</c>: the primary key's property names.</summary>
    public Dictionary<INamedTypeSymbol, ImmutableArray<string>> PrimaryKeys { get; } = new(SymbolEqualityComparer.Default);

    /// <summary><c>HasAlternateKey(...)</c>: each alternate key's property names.</summary>
    public Dictionary<INamedTypeSymbol, List<ImmutableArray<string>>> AlternateKeys { get; } = new(SymbolEqualityComparer.Default);

    /// <summary><c>HasIndex(...).IsUnique()</c>: each unique index's property names.</summary>
    public Dictionary<INamedTypeSymbol, List<ImmutableArray<string>>> UniqueIndexes { get; } = new(SymbolEqualityComparer.Default);
    public Dictionary<INamedTypeSymbol, List<string>> CheckConstraints { get; } = new(SymbolEqualityComparer.Default);
    public Dictionary<INamedTypeSymbol, string> TableNames { get; } = new(SymbolEqualityComparer.Default);
    public Dictionary<INamedTypeSymbol, MappingStrategy> Strategies { get; } = new(SymbolEqualityComparer.Default);
    public List<FluentRelationship> Relationships { get; } = new();
    public HashSet<INamedTypeSymbol> AppliedConfigurations { get; } = new(SymbolEqualityComparer.Default);
    public bool AppliesConfigurationsFromAssembly { get; set; }

    /// <summary>
    /// The delete behavior a convention gives every relationship that does not configure its own: a loop over the model's
    /// foreign keys that assigns <c>DeleteBehavior</c> (or calls <c>SetDeleteBehavior</c>) with a constant, or
    /// <c>ClientSetNull</c> when <c>ConfigureConventions</c> removes EF's <c>CascadeDeleteConvention</c>. Null: EF's default.
    /// </summary>
    public DeleteBehavior? ConventionalDeleteBehavior { get; set; }

    /// <summary>
    /// Whether a <c>DbContext</c> of this compilation builds the model. Without one (a module's model builder applied by a
    /// context in another assembly), the conventions that decide a relationship's default delete behavior are not visible.
    /// </summary>
    public bool HasContext { get; set; }

    /// <summary><c>ConfigureConventions</c>: <c>Properties&lt;string&gt;()</c> (index 0) and <c>Properties&lt;byte[]&gt;()</c> (index 1).</summary>
    public PropertyConfiguration[] Conventions { get; } = [new(), new()];

    public PropertyConfiguration Property(INamedTypeSymbol entity, IPropertySymbol property)
    {
        if (!properties.TryGetValue(property.OriginalDefinition, out var byEntity))
        {
            properties[property.OriginalDefinition] = byEntity = new(SymbolEqualityComparer.Default);
        }

        if (!byEntity.TryGetValue(entity, out var configuration))
        {
            byEntity[entity] = configuration = new PropertyConfiguration();
        }

        return configuration;
    }

    /// <summary>The fluent configuration of <paramref name="property"/> on <paramref name="entity"/> or one of its base types.</summary>
    public PropertyConfiguration? FindProperty(INamedTypeSymbol entity, IPropertySymbol property)
    {
        if (!properties.TryGetValue(property.OriginalDefinition, out var byEntity))
        {
            return null;
        }

        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (byEntity.TryGetValue(current, out var configuration))
            {
                return configuration;
            }
        }

        return null;
    }

    public static void AddTo<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = new List<TValue>();
        }

        list.Add(value);
    }

    /// <summary>Whether <paramref name="name"/> is part of the configured primary or an alternate key of <paramref name="entity"/> or a base type.</summary>
    public bool IsConfiguredKeyPart(INamedTypeSymbol entity, string name)
    {
        for (var current = entity; current is not null; current = current.BaseType)
        {
            if ((PrimaryKeys.TryGetValue(current, out var primary) && primary.Contains(name))
                || (AlternateKeys.TryGetValue(current, out var alternates) && alternates.Any(k => k.Contains(name))))
            {
                return true;
            }
        }

        return false;
    }

    public static void AddTo<TKey, TValue>(Dictionary<TKey, HashSet<TValue>> map, TKey key, TValue value, IEqualityComparer<TValue>? comparer = null)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<TValue>(comparer ?? EqualityComparer<TValue>.Default);
        }

        set.Add(value);
    }

    /// <summary>Whether <paramref name="name"/> is in <paramref name="map"/> for <paramref name="entity"/> or one of its base types.</summary>
    public static bool HasName(Dictionary<INamedTypeSymbol, HashSet<string>> map, INamedTypeSymbol entity, string name)
    {
        for (var current = entity; current is not null; current = current.BaseType)
        {
            if (map.TryGetValue(current, out var names) && names.Contains(name))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Reads fluent model-building calls into a <see cref="ModelConfiguration"/>.</summary>
internal sealed class ConfigurationReader
{
    private const string BuildersNamespace = "Microsoft.EntityFrameworkCore.Metadata.Builders";
    private readonly EfCoreSymbols symbols;
    private readonly ModelConfiguration configuration;

    public ConfigurationReader(EfCoreSymbols symbols, ModelConfiguration configuration)
    {
        this.symbols = symbols;
        this.configuration = configuration;
    }

    /// <summary>Reads every fluent call in a configuration method body (lambdas included).</summary>
    public void ReadBody(IOperation body)
    {
        foreach (var operation in body.Descendants())
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    Read(invocation);
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "DeleteBehavior" } target } assignment
                    when IsMetadataType(target.Property.ContainingType) && DeleteBehaviorOf(assignment.Value) is { } behavior:
                    // foreach (var fk in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys())) fk.DeleteBehavior = Restrict;
                    configuration.ConventionalDeleteBehavior = behavior;
                    break;
            }
        }
    }

    // Microsoft.EntityFrameworkCore.Metadata's IMutableForeignKey, IConventionForeignKey...
    private static bool IsMetadataType(ITypeSymbol? type)
        => type?.ContainingNamespace?.ToDisplayString() == "Microsoft.EntityFrameworkCore.Metadata";

    // Conventions.Remove(typeof(CascadeDeleteConvention)) or Conventions.Remove<CascadeDeleteConvention>(): required
    // relationships no longer cascade by default.
    private static bool RemovesCascadeDeleteConvention(IInvocationOperation invocation)
        => (invocation.TargetMethod.IsGenericMethod ? invocation.TargetMethod.TypeArguments[0]
                : (Operations.Unwrap(Operations.Arguments(invocation).FirstOrDefault()) as ITypeOfOperation)?.TypeOperand) is { Name: "CascadeDeleteConvention" };

    private void Read(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var ns = method.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (!ns.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
        {
            return;
        }

        var receiver = Operations.Receiver(invocation);
        var receiverType = receiver?.Type;
        var onModelBuilder = SymbolEqualityComparer.Default.Equals(receiverType, symbols.ModelBuilder);
        var entity = EntityOfBuilder(receiverType);
        var typeArgument = method.IsGenericMethod ? method.TypeArguments[0] as INamedTypeSymbol : null;
        switch (method.Name)
        {
            case "Entity" when onModelBuilder && typeArgument is not null:
                configuration.Entities.Add(typeArgument);
                if (!configuration.EntityCalls.ContainsKey(typeArgument))
                {
                    configuration.EntityCalls[typeArgument] = Operations.NameLocation(invocation.Syntax);
                }

                break;
            case "Owned" when onModelBuilder && typeArgument is not null:
                configuration.OwnedTypes.Add(typeArgument);
                break;
            case "Ignore" when onModelBuilder && typeArgument is not null:
                configuration.IgnoredTypes.Add(typeArgument);
                break;
            case "Ignore" when entity is not null:
                foreach (var name in NamedMembers(invocation))
                {
                    ModelConfiguration.AddTo(configuration.IgnoredProperties, entity, name);
                }

                break;
            case "HasKey" when entity is not null:
                configuration.PrimaryKeys[entity] = NamedMembers(invocation).ToImmutableArray();
                break;
            case "HasAlternateKey" when entity is not null:
                ModelConfiguration.AddTo(configuration.AlternateKeys, entity, NamedMembers(invocation).ToImmutableArray());
                break;
            case "IsUnique" when Operations.BoolConstant(Operations.Arguments(invocation).FirstOrDefault()) != false && IndexOf(receiver) is { } index
                && EntityOfBuilder(Operations.Receiver(index)?.Type) is { } indexed:
                ModelConfiguration.AddTo(configuration.UniqueIndexes, indexed, NamedMembers(index).ToImmutableArray());
                break;
            case "ToTable" when entity is not null:
                if (Operations.StringConstants(Operations.Arguments(invocation).Take(1)).FirstOrDefault() is { } table)
                {
                    configuration.TableNames[entity] = table;
                }

                break;
            case "ToView" or "ToSqlQuery" or "ToFunction" or "HasNoKey" when entity is not null:
                configuration.NotTables.Add(entity);
                break;
            case "UseTptMappingStrategy" when entity is not null:
                configuration.Strategies[entity] = MappingStrategy.TablePerType;
                break;
            case "UseTpcMappingStrategy" when entity is not null:
                configuration.Strategies[entity] = MappingStrategy.TablePerConcreteType;
                break;
            case "HasCheckConstraint" when entity is not null:
                if (Operations.StringConstants(Operations.Arguments(invocation).Skip(1).Take(1)).FirstOrDefault() is { } sql)
                {
                    if (!configuration.CheckConstraints.TryGetValue(entity, out var list))
                    {
                        configuration.CheckConstraints[entity] = list = new List<string>();
                    }

                    list.Add(sql);
                }

                break;
            case "OwnsOne" or "ComplexProperty" when entity is not null && typeArgument is not null:
                configuration.OwnedTypes.Add(typeArgument);
                ModelConfiguration.AddTo(configuration.OwnersOfOwnedOne, typeArgument, entity, SymbolEqualityComparer.Default);
                AddOwnedCall(typeArgument, invocation);
                break;
            case "OwnsMany" when entity is not null && typeArgument is not null:
                configuration.OwnedTypes.Add(typeArgument);
                configuration.OwnedMany.Add(typeArgument);
                AddOwnedCall(typeArgument, invocation);
                break;
            case "ToJson" when entity is not null:
                configuration.JsonOwned.Add(entity);
                break;
            case "HasMany" or "HasOne" when entity is not null:
                ReadRelationship(invocation, entity);
                break;
            case "Property" or "PrimitiveCollection" when entity is not null:
                if (PropertyOf(invocation, entity) is { } property)
                {
                    var propertyConfiguration = configuration.Property(entity, property);
                    propertyConfiguration.PropertyCall ??= invocation.Syntax;
                }

                break;
            case "HasMaxLength" or "HasColumnType" or "IsUnicode" or "IsRowVersion":
                if (PropertySubject(receiver) is var (subjectEntity, subject))
                {
                    Apply(configuration.Property(subjectEntity, subject), invocation);
                }

                break;
            case "HaveMaxLength" or "HaveColumnType" or "AreUnicode":
                if (ConventionOf(receiverType) is { } convention)
                {
                    Apply(convention, invocation);
                }

                break;
            case "ApplyConfiguration":
                if (Operations.Unwrap(Operations.Arguments(invocation).FirstOrDefault())?.Type is INamedTypeSymbol applied)
                {
                    configuration.AppliedConfigurations.Add(applied);
                }

                break;
            case "SetDeleteBehavior" when IsMetadataType(method.ContainingType) && DeleteBehaviorOf(Operations.Arguments(invocation).FirstOrDefault()) is { } behavior:
                configuration.ConventionalDeleteBehavior = behavior;
                break;
            case "Remove" when method.ContainingType.Name == "ConventionSetBuilder" && RemovesCascadeDeleteConvention(invocation):
                configuration.ConventionalDeleteBehavior ??= DeleteBehavior.ClientSetNull;
                break;
            case "ApplyConfigurationsFromAssembly":
                configuration.AppliesConfigurationsFromAssembly |= !NamesAnotherAssembly(Operations.Arguments(invocation).FirstOrDefault());
                break;
        }
    }

    private void AddOwnedCall(INamedTypeSymbol owned, IInvocationOperation invocation)
    {
        if (!configuration.OwnedCalls.ContainsKey(owned))
        {
            configuration.OwnedCalls[owned] = Operations.NameLocation(invocation.Syntax);
        }
    }

    // The HasIndex(...) call an index-builder chain (HasIndex(...).HasDatabaseName(...)) starts from.
    private static IInvocationOperation? IndexOf(IOperation? receiver)
    {
        for (var depth = 0; depth < 8 && receiver is IInvocationOperation call; depth++, receiver = Operations.Receiver(call))
        {
            if (call.TargetMethod.Name == "HasIndex")
            {
                return call;
            }
        }

        return null;
    }

    private static void Apply(PropertyConfiguration target, IInvocationOperation invocation)
    {
        var argument = Operations.Arguments(invocation).FirstOrDefault();
        switch (invocation.TargetMethod.Name)
        {
            case "HasMaxLength" or "HaveMaxLength":
                var length = Operations.IntConstant(argument);
                target.MaxLength = length;
                target.HasUnknownBound |= length is null;
                break;
            case "HasColumnType" or "HaveColumnType":
                var type = Operations.StringConstants(Operations.Arguments(invocation).Take(1)).FirstOrDefault();
                target.ColumnType = type;
                target.HasUnknownBound |= type is null;
                break;
            case "IsUnicode" or "AreUnicode":
                target.IsUnicode = argument is null ? true : Operations.BoolConstant(argument);
                break;
            case "IsRowVersion":
                target.IsRowVersion = true;
                break;
        }
    }

    private void ReadRelationship(IInvocationOperation first, INamedTypeSymbol entity)
    {
        var navigation = NavigationOf(first, entity);
        var related = first.TargetMethod.IsGenericMethod
            ? first.TargetMethod.TypeArguments[0] as INamedTypeSymbol
            : NavigationTarget(navigation?.Type);
        if (related is null)
        {
            return;
        }

        var relationship = new FluentRelationship(entity, first.TargetMethod.Name == "HasMany", related, navigation, Operations.NameLocation(first.Syntax));
        for (var link = Operations.NextInChain(first); link is not null; link = Operations.NextInChain(link))
        {
            switch (link.TargetMethod.Name)
            {
                case "WithOne" or "WithMany":
                    relationship.EndsWithMany = link.TargetMethod.Name == "WithMany";
                    relationship.SecondNavigation = NavigationOf(link, related);
                    break;
                case "HasForeignKey":
                    if (link.TargetMethod.IsGenericMethod)
                    {
                        relationship.ForeignKeyOwner = link.TargetMethod.TypeArguments[0] as INamedTypeSymbol;
                    }

                    relationship.ForeignKeyNames.AddRange(NamedMembers(link));
                    break;
                case "OnDelete":
                    relationship.OnDelete = DeleteBehaviorOf(Operations.Arguments(link).FirstOrDefault());
                    break;
                case "IsRequired":
                    var argument = Operations.Arguments(link).FirstOrDefault();
                    relationship.IsRequired = argument is null || Operations.BoolConstant(argument) != false;
                    break;
            }
        }

        configuration.Relationships.Add(relationship);
    }

    public static DeleteBehavior? DeleteBehaviorOf(IOperation? argument)
    {
        argument = Operations.Unwrap(argument);
        if (argument is IFieldReferenceOperation field && Enum.TryParse<DeleteBehavior>(field.Field.Name, out var named))
        {
            return named;
        }

        return argument?.ConstantValue is { HasValue: true, Value: int value } && Enum.IsDefined(typeof(DeleteBehavior), value)
            ? (DeleteBehavior)value
            : null;
    }

    /// <summary>The members a call names by lambda or by string: <c>Ignore(x =&gt; x.P)</c>, <c>HasKey("A", "B")</c>.</summary>
    private static IEnumerable<string> NamedMembers(IInvocationOperation invocation)
    {
        var arguments = Operations.Arguments(invocation).ToList();
        return arguments.SelectMany(Operations.LambdaProperties).Select(p => p.Name).Concat(Operations.StringConstants(arguments));
    }

    /// <summary>The property a <c>Property(...)</c>/<c>HasMany(...)</c>-style call names, by lambda or by string.</summary>
    private static IPropertySymbol? PropertyOf(IInvocationOperation invocation, INamedTypeSymbol entity)
    {
        var arguments = Operations.Arguments(invocation).ToList();
        if (arguments.SelectMany(Operations.LambdaProperties).FirstOrDefault() is { } property)
        {
            return property;
        }

        var name = Operations.StringConstants(arguments.Take(1)).FirstOrDefault();
        return name is null ? null : FindProperty(entity, name);
    }

    private static IPropertySymbol? NavigationOf(IInvocationOperation invocation, INamedTypeSymbol entity) => PropertyOf(invocation, entity);

    public static IPropertySymbol? FindProperty(INamedTypeSymbol type, string name)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
            {
                return property;
            }
        }

        return null;
    }

    /// <summary>The entity type a navigation of type <paramref name="type"/> points to: the type itself or a collection's element type.</summary>
    public static INamedTypeSymbol? NavigationTarget(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        var enumerable = type is INamedTypeSymbol { IsGenericType: true } named && named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
            ? named
            : type.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
        return (enumerable?.TypeArguments[0] ?? type) as INamedTypeSymbol;
    }

    /// <summary>The property that a chain of property-builder calls configures (<c>b.Property(x =&gt; x.P).IsRequired()</c>).</summary>
    private static (INamedTypeSymbol Entity, IPropertySymbol Property)? PropertySubject(IOperation? receiver)
    {
        for (var depth = 0; depth < 16 && receiver is not null; depth++)
        {
            switch (receiver)
            {
                case IInvocationOperation { TargetMethod.Name: "Property" or "PrimitiveCollection" } call:
                    var entity = EntityOfBuilder(Operations.Receiver(call)?.Type);
                    return entity is not null && PropertyOf(call, entity) is { } property ? (entity, property) : null;
                case IInvocationOperation call when call.Type?.Name.EndsWith("PropertyBuilder", StringComparison.Ordinal) == true:
                    receiver = Operations.Receiver(call);
                    break;
                case ILocalReferenceOperation local:
                    receiver = Operations.LocalInitializer(local);
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The entity type a builder configures: <c>EntityTypeBuilder&lt;T&gt;</c>, <c>OwnedNavigationBuilder&lt;TOwner, T&gt;</c>, <c>TableBuilder&lt;T&gt;</c>...</summary>
    public static INamedTypeSymbol? EntityOfBuilder(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (!current.IsGenericType || current.ContainingNamespace?.ToDisplayString() != BuildersNamespace)
            {
                continue;
            }

            var arguments = current.TypeArguments;
            var entity = (current.Name, arguments.Length) switch
            {
                ("EntityTypeBuilder" or "OwnedEntityTypeBuilder" or "ComplexPropertyBuilder" or "TableBuilder", 1) => arguments[0],
                ("OwnedNavigationBuilder" or "OwnedNavigationTableBuilder", 2) => arguments[1],
                _ => null,
            };
            if (entity is INamedTypeSymbol named)
            {
                return named;
            }
        }

        return null;
    }

    private PropertyConfiguration? ConventionOf(ITypeSymbol? builderType)
    {
        if (builderType is not INamedTypeSymbol { Name: "PropertiesConfigurationBuilder", TypeArguments.Length: 1 } builder)
        {
            return null;
        }

        var propertyType = builder.TypeArguments[0];
        return propertyType.SpecialType == SpecialType.System_String ? configuration.Conventions[0]
            : IsByteArray(propertyType) ? configuration.Conventions[1]
            : null;
    }

    public static bool IsByteArray(ITypeSymbol? type) => type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte, Rank: 1 };

    // typeof(SomeTypeFromAnotherAssembly).Assembly names another assembly; anything else is taken as this one.
    private static bool NamesAnotherAssembly(IOperation? argument)
        => Operations.Unwrap(argument) is IPropertyReferenceOperation { Property.Name: "Assembly", Instance: ITypeOfOperation { TypeOperand: { } type } }
            && !type.Locations.Any(l => l.IsInSource);
}
