using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// Finds the writes that keep a principal's bookkeeping per dependent, wherever they live (SaveChanges overrides,
/// interceptors, entity methods, services): counter caches (an integer changed by ±1: <c>++</c>, <c>--</c>,
/// <c>+= 1</c>, <c>x.C = x.C - 1</c>, <c>SetProperty(x =&gt; x.C, x =&gt; x.C - 1)</c>, raw <c>UPDATE ... SET c = c - 1</c>) and
/// touched timestamps (a DateTime/DateTimeOffset set to "now"). A write counts only when it is tied to a dependent:
/// the principal is reached through a dependent's navigation (<c>post.Group.PostsCount--</c>), the code runs in a
/// dependent's or with a dependent at hand, a bulk or raw update filters by a dependent's value, or (counters only) the
/// counter's name names the dependents (<c>PostsCount</c> and <c>Group.Posts</c>). An entity stamping its own
/// <c>UpdatedAt</c> is not bookkeeping: that row is written anyway.
/// </summary>
internal sealed class BookkeepingReader
{
    private const int MaxTraceDepth = 3;

    /// <summary>An <c>UPDATE table SET assignments</c> statement in SQL text.</summary>
    internal static readonly Regex UpdateStatement = new(
        @"\bUPDATE\s+(?<table>[\w\.""`\[\]]+)\s+SET\s+(?<assignments>.+?)(\bWHERE\b|\bFROM\b|\bRETURNING\b|;|$)",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static readonly Regex Assignment = new(@"^\s*(?<column>[\w""`\[\]\.]+)\s*=\s*(?<value>.+?)\s*$", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static readonly Regex SqlNow = new(
        @"^(now\s*\(\s*\d*\s*\)|current_timestamp(\s*\(\s*\d*\s*\))?|utc_timestamp\s*\(\s*\d*\s*\)|localtimestamp|getdate\s*\(\s*\)|getutcdate\s*\(\s*\)|sysdatetime\s*\(\s*\)|sysutcdatetime\s*\(\s*\)|sysdatetimeoffset\s*\(\s*\)|statement_timestamp\s*\(\s*\)|clock_timestamp\s*\(\s*\)|transaction_timestamp\s*\(\s*\)|datetime\s*\(\s*'now'\s*\))$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly EfCoreSymbols symbols;
    private readonly ModelConfiguration configuration;
    private readonly HashSet<INamedTypeSymbol> entities;
    private readonly ImmutableArray<RelationshipModel> relationships;
    private readonly IReadOnlyDictionary<string, INamedTypeSymbol> entitiesByTableName;
    private readonly ImmutableArray<BookkeepingWrite>.Builder writes = ImmutableArray.CreateBuilder<BookkeepingWrite>();

    public BookkeepingReader(
        EfCoreSymbols symbols,
        ModelConfiguration configuration,
        HashSet<INamedTypeSymbol> entities,
        ImmutableArray<RelationshipModel> relationships,
        IReadOnlyDictionary<string, INamedTypeSymbol> entitiesByTableName)
    {
        this.symbols = symbols;
        this.configuration = configuration;
        this.entities = entities;
        this.relationships = relationships;
        this.entitiesByTableName = entitiesByTableName;
    }

    /// <summary>The entity each table name (normalized, see <see cref="NormalizeName"/>) may stand for; the first name given wins.</summary>
    public static IReadOnlyDictionary<string, INamedTypeSymbol> TablesByName(IEnumerable<(INamedTypeSymbol Entity, string TableName)> tableNames)
    {
        var byName = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
        foreach (var (entity, name) in tableNames)
        {
            var key = NormalizeName(name);
            if (!byName.ContainsKey(key))
            {
                byName[key] = entity;
            }
        }

        return byName;
    }

    public ImmutableArray<BookkeepingWrite> Read(IEnumerable<IOperation> candidates)
    {
        foreach (var operation in candidates)
        {
            switch (operation)
            {
                case IIncrementOrDecrementOperation { Target: var target }:
                    Tracked(target, BookkeepingKind.Counter, operation);
                    break;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound when Operations.IntConstant(compound.Value) == 1:
                    Tracked(compound.Target, BookkeepingKind.Counter, operation);
                    break;
                case ISimpleAssignmentOperation assignment:
                    if (IsPlusMinusOne(assignment.Value, assignment.Target))
                    {
                        Tracked(assignment.Target, BookkeepingKind.Counter, operation);
                    }
                    else if (symbols.IsDateTimeLike(assignment.Target.Type) && IsNow(assignment.Value, 0))
                    {
                        Tracked(assignment.Target, BookkeepingKind.Touch, operation);
                    }

                    break;
                case IInvocationOperation { TargetMethod.Name: "SetProperty" } setProperty:
                    BulkUpdate(setProperty);
                    break;
                case IInvocationOperation raw when SymbolEqualityComparer.Default.Equals(raw.TargetMethod.ContainingType, symbols.RelationalDatabaseFacadeExtensions):
                    RawSql(raw);
                    break;
            }
        }

        return writes.ToImmutable();
    }

    private void Tracked(IOperation target, BookkeepingKind kind, IOperation write)
    {
        if (Operations.Unwrap(target) is not IPropertyReferenceOperation { Instance: { } instance } property
            || EntityOf(instance.Type) is not { } principal
            || !KindFits(property.Property, kind))
        {
            return;
        }

        var dependent = DependentThrough(instance, principal, write, 0) ?? DependentByName(principal, property.Property, kind);
        Add(principal, property.Property, kind, dependent, WriteMechanism.TrackedAssignment, write.Syntax);
    }

    private void BulkUpdate(IInvocationOperation setProperty)
    {
        if (setProperty.TargetMethod.ContainingType is not { Name: "UpdateSettersBuilder" or "SetPropertyCalls", TypeArguments.Length: 1 } builder
            || EntityOf(builder.TypeArguments[0]) is not { } principal)
        {
            return;
        }

        var arguments = Operations.Arguments(setProperty).ToList();
        if (arguments.Count < 2 || Operations.LambdaProperties(arguments[0]).FirstOrDefault() is not { } property)
        {
            return;
        }

        var value = Operations.LambdaResult(arguments[1]) ?? Operations.Unwrap(arguments[1]);
        var kind = IsPlusMinusOne(value, null, property) ? BookkeepingKind.Counter
            : symbols.IsDateTimeLike(property.Type) && IsNow(value, 0) ? BookkeepingKind.Touch
            : (BookkeepingKind?)null;
        if (kind is null || !KindFits(property, kind.Value))
        {
            return;
        }

        IOperation? executeUpdate = setProperty;
        while (executeUpdate is not null && !(executeUpdate is IInvocationOperation { TargetMethod.Name: "ExecuteUpdate" or "ExecuteUpdateAsync" }))
        {
            executeUpdate = executeUpdate.Parent;
        }

        var query = executeUpdate is IInvocationOperation call ? Operations.Receiver(call) : null;
        var dependent = (query is null ? null : DependentMentionedIn(query, principal)) ?? DependentByName(principal, property, kind.Value);
        Add(principal, property, kind.Value, dependent, WriteMechanism.ExecuteUpdate, (executeUpdate ?? setProperty).Syntax);
    }

    private void RawSql(IInvocationOperation invocation)
    {
        var arguments = Operations.Arguments(invocation).ToList();
        if (arguments.Count == 0 || SqlText(arguments[0]) is not { } sql)
        {
            return;
        }

        foreach (Match statement in UpdateStatement.Matches(sql))
        {
            if (!entitiesByTableName.TryGetValue(NormalizeName(LastPart(statement.Groups["table"].Value)), out var principal))
            {
                continue;
            }

            var columns = MappedProperties.Of(principal, symbols, configuration).ToList();
            foreach (var assignmentText in statement.Groups["assignments"].Value.Split(','))
            {
                var assignment = Assignment.Match(assignmentText);
                if (!assignment.Success)
                {
                    continue;
                }

                var column = NormalizeName(LastPart(assignment.Groups["column"].Value));
                var property = columns.FirstOrDefault(p => NormalizeName(ColumnName(p)) == column);
                if (property is null)
                {
                    continue;
                }

                var value = assignment.Groups["value"].Value;
                var kind = IsSqlPlusMinusOne(value, column) ? BookkeepingKind.Counter
                    : SqlNow.IsMatch(value.Trim()) ? BookkeepingKind.Touch
                    : (BookkeepingKind?)null;
                if (kind is null || !KindFits(property, kind.Value))
                {
                    continue;
                }

                var dependent = arguments.Skip(1).Concat([arguments[0]]).Select(a => DependentMentionedIn(a, principal)).FirstOrDefault(d => d is not null)
                    ?? DependentByName(principal, property, kind.Value);
                Add(principal, property, kind.Value, dependent, WriteMechanism.RawSql, invocation.Syntax);
            }
        }
    }

    private void Add(INamedTypeSymbol principal, IPropertySymbol property, BookkeepingKind kind, INamedTypeSymbol? dependent, WriteMechanism mechanism, SyntaxNode syntax)
    {
        if (dependent is not null && IsDependentOf(dependent, principal))
        {
            writes.Add(new BookkeepingWrite(principal, property, kind, dependent, mechanism, syntax));
        }
    }

    /// <summary>Whether a property of this type can be a counter cache or a touched timestamp (the model reader's binding filter).</summary>
    public static bool CanHoldBookkeeping(ITypeSymbol type, EfCoreSymbols symbols) => IsInteger(type) || symbols.IsDateTimeLike(type);

    private bool KindFits(IPropertySymbol property, BookkeepingKind kind)
        => !EfCoreSymbols.HasAttribute(property, symbols.NotMappedAttribute)
            && (kind == BookkeepingKind.Touch ? symbols.IsDateTimeLike(property.Type) : IsInteger(property.Type));

    private static bool IsInteger(ITypeSymbol type)
        => type.SpecialType is SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64
            or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64;

    private INamedTypeSymbol? EntityOf(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (entities.Contains(current))
            {
                return current;
            }
        }

        return null;
    }

    private bool IsDependentOf(INamedTypeSymbol dependent, INamedTypeSymbol principal)
        => relationships.Any(r => EfModel.AreRelated(r.Principal, principal) && EfModel.AreRelated(r.Dependent, dependent));

    /// <summary>The dependent through which the code reaches the principal it writes.</summary>
    private INamedTypeSymbol? DependentThrough(IOperation instance, INamedTypeSymbol principal, IOperation write, int depth)
    {
        if (depth > MaxTraceDepth)
        {
            return null;
        }

        switch (Operations.Unwrap(instance))
        {
            case IPropertyReferenceOperation { Instance: { } owner }:
                // post.Group (or Group inside Post): the owner of the navigation is the dependent.
                return Unrelated(EntityOf(owner.Type), principal);
            case ILocalReferenceOperation local:
                var initializer = Operations.LocalInitializer(local);
                return initializer is null ? null
                    : DependentThrough(initializer, principal, write, depth + 1) ?? DependentMentionedIn(initializer, principal);
            case IAwaitOperation awaited:
                return DependentMentionedIn(awaited.Operation, principal);
            case IInvocationOperation lookup:
                return DependentMentionedIn(lookup, principal);
            case IInstanceReferenceOperation or IParameterReferenceOperation:
                // group.AddPost(Post post) { PostsCount++; }: a dependent handed to the same method.
                return DependentParameter(write, principal);
            default:
                return null;
        }
    }

    private INamedTypeSymbol? DependentParameter(IOperation write, INamedTypeSymbol principal)
    {
        for (var symbol = write.SemanticModel?.GetEnclosingSymbol(write.Syntax.SpanStart); symbol is not null; symbol = symbol.ContainingSymbol)
        {
            if (symbol is IMethodSymbol method)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (Unrelated(EntityOf(parameter.Type), principal) is { } dependent)
                    {
                        return dependent;
                    }
                }
            }
            else if (symbol is INamedTypeSymbol)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>A dependent whose value the expression reads (<c>g.Id == post.GroupId</c>), outside the query's own lambda parameters.</summary>
    private INamedTypeSymbol? DependentMentionedIn(IOperation operation, INamedTypeSymbol principal)
    {
        foreach (var reference in operation.DescendantsAndSelf())
        {
            if (reference is IPropertyReferenceOperation { Instance: { } instance } && !IsLambdaParameter(Operations.ChainRoot(instance))
                && Unrelated(EntityOf(instance.Type), principal) is { } dependent)
            {
                return dependent;
            }
        }

        return null;
    }

    private static bool IsLambdaParameter(IOperation? operation)
        => operation is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } };

    private static INamedTypeSymbol? Unrelated(INamedTypeSymbol? candidate, INamedTypeSymbol principal)
        => candidate is not null && !EfModel.AreRelated(candidate, principal) ? candidate : null;

    private INamedTypeSymbol? DependentByName(INamedTypeSymbol principal, IPropertySymbol counter, BookkeepingKind kind)
        => kind == BookkeepingKind.Counter ? DependentNamedBy(relationships, principal, counter.Name) : null;

    /// <summary>The dependent a counter is named after: <c>PostsCount</c>, <c>PostCount</c>, <c>NumberOfPosts</c> for <c>Group.Posts</c>.</summary>
    public static INamedTypeSymbol? DependentNamedBy(IEnumerable<RelationshipModel> relationships, INamedTypeSymbol principal, string counterName)
    {
        var stem = counterName;
        foreach (var affix in new[] { "Count", "Counter", "Total" })
        {
            if (stem.EndsWith(affix, StringComparison.Ordinal) && stem.Length > affix.Length)
            {
                stem = stem.Substring(0, stem.Length - affix.Length);
                break;
            }
        }

        if (stem.StartsWith("NumberOf", StringComparison.Ordinal))
        {
            stem = stem.Substring("NumberOf".Length);
        }

        if (stem == counterName)
        {
            return null;
        }

        var match = relationships.FirstOrDefault(r => EfModel.AreRelated(r.Principal, principal)
            && (NamesMatch(stem, r.PrincipalNavigation?.Name) || NamesMatch(stem, r.Dependent.Name) || NamesMatch(stem, r.Dependent.Name + "s")));
        return match?.Dependent;
    }

    private static bool NamesMatch(string stem, string? name) => name is not null && string.Equals(stem, name, StringComparison.OrdinalIgnoreCase);

    // x.C + 1 or x.C - 1 where x.C is the assigned property (or, for SetProperty, the named property).
    private static bool IsPlusMinusOne(IOperation? value, IOperation? target, IPropertySymbol? property = null)
    {
        if (Operations.Unwrap(value) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary
            || Operations.IntConstant(Operations.Unwrap(binary.RightOperand)) != 1
            || Operations.Unwrap(binary.LeftOperand) is not IPropertyReferenceOperation left)
        {
            return false;
        }

        return property is not null
            ? SymbolEqualityComparer.Default.Equals(left.Property, property)
            : Operations.Unwrap(target) is IPropertyReferenceOperation assigned
                && SymbolEqualityComparer.Default.Equals(left.Property, assigned.Property)
                && left.Instance?.Syntax.ToString() == assigned.Instance?.Syntax.ToString();
    }

    private static bool IsNow(IOperation? value, int depth)
    {
        switch (Operations.Unwrap(value))
        {
            case IPropertyReferenceOperation { Property.Name: "Now" or "UtcNow" }:
                return true;
            case IPropertyReferenceOperation { Property.Name: "UtcDateTime" or "DateTime" or "LocalDateTime", Instance: var instance }:
                return IsNow(instance, depth + 1);
            case IInvocationOperation { TargetMethod.Name: "GetUtcNow" or "GetLocalNow" }:
                return true;
            case ILocalReferenceOperation local when depth < MaxTraceDepth:
                return IsNow(Operations.LocalInitializer(local), depth + 1);
            default:
                return false;
        }
    }

    private static bool IsSqlPlusMinusOne(string value, string normalizedColumn)
    {
        var match = Regex.Match(value, @"^(?<column>[\w""`\[\]\.]+)\s*[+-]\s*1$", RegexOptions.CultureInvariant);
        return match.Success && NormalizeName(LastPart(match.Groups["column"].Value)) == normalizedColumn;
    }

    /// <summary>The SQL text of a raw-SQL argument: a constant, or an interpolated string with its holes as <c>{0}</c>.</summary>
    private static string? SqlText(IOperation argument)
    {
        argument = Operations.Unwrap(argument)!;
        if (argument.ConstantValue is { HasValue: true, Value: string constant })
        {
            return constant;
        }

        if (argument is IInterpolatedStringOperation interpolated)
        {
            var text = new StringBuilder();
            foreach (var part in interpolated.Parts)
            {
                text.Append(part is IInterpolatedStringTextOperation { Text.ConstantValue.Value: string literal } ? literal : "{0}");
            }

            return text.ToString();
        }

        return null;
    }

    private string ColumnName(IPropertySymbol property)
        => EfCoreSymbols.FirstArgument(EfCoreSymbols.FindAttribute(property, symbols.ColumnAttribute)) as string ?? property.Name;

    /// <summary>The last part of a qualified SQL name (<c>posts</c> of <c>dbo.posts</c>).</summary>
    internal static string LastPart(string qualified)
    {
        var dot = qualified.LastIndexOf('.');
        return dot < 0 ? qualified : qualified.Substring(dot + 1);
    }

    /// <summary>Lower case, letters and digits only: <c>"posts_count"</c>, <c>[PostsCount]</c> and <c>PostsCount</c> compare equal.</summary>
    public static string NormalizeName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
