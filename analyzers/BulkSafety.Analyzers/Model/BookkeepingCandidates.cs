using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// Picks, in syntax, the statements that can be bookkeeping, so that the model reader binds (the costly part) only
/// those. A statement is kept when it writes a counter or date property of a principal of some relationship (by name)
/// and the syntax leaves open that the write is tied to one of that principal's dependents the way
/// <see cref="BookkeepingReader"/> requires: the principal is reached through a dependent's navigation
/// (<c>post.Group.PostsCount--</c>), held in a local whose initializer mentions a dependent's member or navigation, or
/// written in a method with a parameter of a dependent type; or the counter is named after the dependents; or it is a
/// bulk or raw update of the principal's table. A rename that stamps its own entity's <c>UpdatedAt</c>, looked up by
/// id, is dropped here without binding anything.
/// </summary>
/// <remarks>
/// Conservative: every shape the syntax cannot decide (an implicitly typed lambda parameter, SQL that is not a literal)
/// is kept, so the filter only saves work and never changes what the reader finds.
/// </remarks>
internal sealed class BookkeepingCandidates
{
    private const int MaxLocalDepth = 3;

    private static readonly HashSet<string> InvocationNames = new(StringComparer.Ordinal)
    {
        "SetProperty", "ExecuteSqlRaw", "ExecuteSqlRawAsync", "ExecuteSql", "ExecuteSqlAsync", "ExecuteSqlInterpolated", "ExecuteSqlInterpolatedAsync",
    };

    private readonly Dictionary<string, List<Principal>> principalsByCounterName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Principal>> principalsByDateName = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, INamedTypeSymbol> entitiesByTableName;
    private readonly List<Principal> principals = new();

    /// <summary>Describes each principal of <paramref name="relationships"/> by the names the filter compares.</summary>
    public BookkeepingCandidates(
        EfCoreSymbols symbols,
        IReadOnlyList<RelationshipModel> relationships,
        IReadOnlyList<INamedTypeSymbol> sourceTypes,
        IReadOnlyDictionary<string, INamedTypeSymbol> entitiesByTableName)
    {
        this.entitiesByTableName = entitiesByTableName;
        foreach (var group in relationships.GroupBy(r => r.Principal, SymbolEqualityComparer.Default))
        {
            var principalType = (INamedTypeSymbol)group.Key!;
            var related = relationships.Where(r => EfModel.AreRelated(r.Principal, principalType)).ToList();
            var dependents = related.Select(r => r.Dependent).ToList();
            var principal = new Principal(
                principalType,
                new HashSet<string>(related.Select(r => r.DependentNavigation?.Name).OfType<string>(), StringComparer.Ordinal),
                new HashSet<string>(sourceTypes.Where(t => dependents.Any(d => EfCoreSymbols.DerivesFrom(t, d))).Concat(dependents).Select(t => t.Name), StringComparer.Ordinal),
                new HashSet<string>(dependents.SelectMany(TypeAndBases).SelectMany(t => t.GetMembers()).OfType<IPropertySymbol>().Select(p => p.Name), StringComparer.Ordinal));
            principals.Add(principal);

            var writable = sourceTypes.Where(t => EfCoreSymbols.DerivesFrom(t, principalType)).Append(principalType).SelectMany(TypeAndBases)
                .SelectMany(t => t.GetMembers()).OfType<IPropertySymbol>();
            foreach (var property in writable)
            {
                if (symbols.IsDateTimeLike(property.Type))
                {
                    Add(principalsByDateName, property.Name, principal);
                }
                else if (BookkeepingReader.CanHoldBookkeeping(property.Type, symbols))
                {
                    Add(principalsByCounterName, property.Name, principal);
                    if (BookkeepingReader.DependentNamedBy(relationships, principalType, property.Name) is not null)
                    {
                        principal.CountersNamingDependents.Add(property.Name);
                    }
                }
            }
        }
    }

    /// <summary>Whether the node has the shape of bookkeeping at all: <c>++</c>, <c>--</c>, <c>+= 1</c>, an assignment of <c>x ± 1</c> or of "now", <c>SetProperty</c>, raw SQL.</summary>
    public static bool HasBookkeepingShape(SyntaxNode node)
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
                return SyntaxFilter.GetInvokedName(invocation) is { } name && InvocationNames.Contains(name);
            default:
                return false;
        }
    }

    /// <summary>The principals that <paramref name="node"/> (a node of <see cref="HasBookkeepingShape"/>) may rewrite as bookkeeping; empty when it cannot.</summary>
    public IEnumerable<INamedTypeSymbol> PrincipalsPossiblyWritten(SyntaxNode node)
    {
        if (node is InvocationExpressionSyntax invocation)
        {
            return SyntaxFilter.GetInvokedName(invocation) == "SetProperty" ? BulkUpdated(invocation) : RawUpdated(invocation);
        }

        var (target, isCounter) = node switch
        {
            PostfixUnaryExpressionSyntax postfix => (postfix.Operand, true),
            PrefixUnaryExpressionSyntax prefix => (prefix.Operand, true),
            AssignmentExpressionSyntax assignment => (assignment.Left, !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.Right is BinaryExpressionSyntax),
            _ => (null!, false),
        };
        if (NameOf(target) is not { } name || !(isCounter ? principalsByCounterName : principalsByDateName).TryGetValue(name, out var written))
        {
            return [];
        }

        // The receiver is read once; each principal is then a few set lookups.
        var site = new WriteSite(target is MemberAccessExpressionSyntax member ? member.Expression : null, node);
        return written.Where(p => (isCounter && p.CountersNamingDependents.Contains(name)) || site.MayBeTiedTo(p)).Select(p => p.Type);
    }

    // SetProperty(x => x.PostsCount, ...): a bulk update names its property; kept for any principal that has it.
    private IEnumerable<INamedTypeSymbol> BulkUpdated(InvocationExpressionSyntax setProperty)
    {
        var name = setProperty.ArgumentList.Arguments.FirstOrDefault()?.Expression is LambdaExpressionSyntax { ExpressionBody: { } body } ? NameOf(body) : null;
        if (name is null)
        {
            return [];
        }

        var counters = principalsByCounterName.TryGetValue(name, out var c) ? c : [];
        var dates = principalsByDateName.TryGetValue(name, out var d) ? d : [];
        return counters.Concat(dates).Select(p => p.Type);
    }

    // Raw SQL: the UPDATE statements of a literal name their tables; SQL built elsewhere may update any principal.
    private IEnumerable<INamedTypeSymbol> RawUpdated(InvocationExpressionSyntax raw)
    {
        var sql = raw.ArgumentList.Arguments.FirstOrDefault()?.Expression switch
        {
            LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => literal.Token.ValueText,
            InterpolatedStringExpressionSyntax interpolated => string.Concat(interpolated.Contents.OfType<InterpolatedStringTextSyntax>().Select(t => t.TextToken.ValueText)),
            _ => null,
        };
        if (sql is null)
        {
            return principals.Select(p => p.Type);
        }

        return BookkeepingReader.UpdateStatement.Matches(sql).Cast<Match>()
            .Select(m => entitiesByTableName.TryGetValue(BookkeepingReader.NormalizeName(BookkeepingReader.LastPart(m.Groups["table"].Value)), out var entity) ? entity : null)
            .OfType<INamedTypeSymbol>()
            .Where(e => principals.Any(p => EfModel.AreRelated(p.Type, e)));
    }

    /// <summary>
    /// What the syntax says about the receiver of a write (null: an implicit <c>this</c>), read once per candidate: the
    /// ways it may be reached from a dependent, mirroring <see cref="BookkeepingReader"/>'s <c>DependentThrough</c>.
    /// </summary>
    private sealed class WriteSite
    {
        private readonly List<string> navigationNames = new();
        private readonly HashSet<string> mentionedMembers = new(StringComparer.Ordinal);
        private readonly HashSet<string> parameterTypeNames = new(StringComparer.Ordinal);
        private bool hasDependentParameterCheck;
        private bool hasUntypedParameter;

        public WriteSite(ExpressionSyntax? receiver, SyntaxNode write) => Read(receiver, write, 0);

        public bool MayBeTiedTo(Principal principal)
            => navigationNames.Any(principal.NavigationNames.Contains)
                || mentionedMembers.Overlaps(principal.DependentMemberNames)
                || (hasDependentParameterCheck && (hasUntypedParameter || parameterTypeNames.Overlaps(principal.DependentTypeNames)));

        private void Read(ExpressionSyntax? receiver, SyntaxNode write, int depth)
        {
            switch (Unwrap(receiver))
            {
                case null or ThisExpressionSyntax:
                    ReadParameters(write);
                    break;
                case MemberAccessExpressionSyntax member:
                    // post.Group: the owner of the navigation is the dependent.
                    navigationNames.Add(member.Name.Identifier.ValueText);
                    break;
                case IdentifierNameSyntax identifier:
                    var name = identifier.Identifier.ValueText;
                    navigationNames.Add(name);
                    if (FindLocalInitializer(identifier, name) is { } initializer)
                    {
                        // var group = post.Group / db.Groups.Find(post.GroupId): what the initializer reads, or where it leads.
                        Mention(initializer);
                        if (depth < MaxLocalDepth && Unwrap(initializer) is IdentifierNameSyntax or MemberAccessExpressionSyntax)
                        {
                            Read(initializer, write, depth + 1);
                        }
                    }
                    else if (IsParameter(identifier, name))
                    {
                        ReadParameters(write);
                    }

                    break;
                case ElementAccessExpressionSyntax:
                    break;
                case var other:
                    // (await db.Groups.FindAsync(post.GroupId))!.PostsCount--: a lookup by a dependent's value.
                    Mention(other);
                    break;
            }
        }

        private void Mention(SyntaxNode expression)
        {
            foreach (var node in expression.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case MemberAccessExpressionSyntax member:
                        mentionedMembers.Add(member.Name.Identifier.ValueText);
                        break;
                    case MemberBindingExpressionSyntax binding:
                        mentionedMembers.Add(binding.Name.Identifier.ValueText);
                        break;
                }
            }
        }

        // The parameters of the method, local function, lambda or accessor around the write: a dependent at hand
        // (group.Adopt(Post post) { UpdatedAt = ... }). An implicitly typed lambda parameter could be one.
        private void ReadParameters(SyntaxNode write)
        {
            hasDependentParameterCheck = true;
            foreach (var ancestor in write.Ancestors())
            {
                switch (ancestor)
                {
                    case SimpleLambdaExpressionSyntax { Parameter.Type: null }:
                        hasUntypedParameter = true;
                        break;
                    case BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or IndexerDeclarationSyntax:
                        var parameters = ancestor switch
                        {
                            BaseMethodDeclarationSyntax method => method.ParameterList.Parameters,
                            LocalFunctionStatementSyntax local => local.ParameterList.Parameters,
                            ParenthesizedLambdaExpressionSyntax lambda => lambda.ParameterList.Parameters,
                            SimpleLambdaExpressionSyntax lambda => SyntaxFactory.SingletonSeparatedList(lambda.Parameter),
                            AnonymousMethodExpressionSyntax anonymous when anonymous.ParameterList is { } list => list.Parameters,
                            IndexerDeclarationSyntax indexer => indexer.ParameterList.Parameters,
                            _ => default,
                        };
                        foreach (var parameter in parameters)
                        {
                            if (parameter.Type is null)
                            {
                                hasUntypedParameter = true;
                            }
                            else
                            {
                                parameterTypeNames.Add(TypeName(parameter.Type));
                            }
                        }

                        break;
                    case AccessorDeclarationSyntax { Parent.Parent: PropertyDeclarationSyntax property }:
                        parameterTypeNames.Add(TypeName(property.Type));
                        break;
                    case TypeDeclarationSyntax:
                        return;
                }
            }
        }
    }

    private static bool IsParameter(SyntaxNode usage, string name)
        => usage.Ancestors().TakeWhile(a => a is not TypeDeclarationSyntax).Any(a => a switch
        {
            BaseMethodDeclarationSyntax method => method.ParameterList.Parameters.Any(p => p.Identifier.ValueText == name),
            LocalFunctionStatementSyntax local => local.ParameterList.Parameters.Any(p => p.Identifier.ValueText == name),
            ParenthesizedLambdaExpressionSyntax lambda => lambda.ParameterList.Parameters.Any(p => p.Identifier.ValueText == name),
            SimpleLambdaExpressionSyntax lambda => lambda.Parameter.Identifier.ValueText == name,
            AnonymousMethodExpressionSyntax { ParameterList: { } list } => list.Parameters.Any(p => p.Identifier.ValueText == name),
            _ => false,
        });

    // The initializer of the nearest local declared with this name before the usage in its member (var group = ...), if any.
    private static ExpressionSyntax? FindLocalInitializer(SyntaxNode usage, string name)
    {
        var member = usage.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax);
        return member?.DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .Where(d => d.Identifier.ValueText == name && d.SpanStart < usage.SpanStart)
            .LastOrDefault()?.Initializer?.Value;
    }

    private static string TypeName(TypeSyntax type)
        => type switch
        {
            NullableTypeSyntax nullable => TypeName(nullable.ElementType),
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };

    private static ExpressionSyntax? Unwrap(ExpressionSyntax? expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    break;
                case PostfixUnaryExpressionSyntax suppressed when suppressed.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    expression = suppressed.Operand;
                    break;
                default:
                    return expression;
            }
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

    private static string? NameOf(ExpressionSyntax? target)
        => target switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => null,
        };

    private static IEnumerable<INamedTypeSymbol> TypeAndBases(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    private static void Add(Dictionary<string, List<Principal>> map, string name, Principal principal)
    {
        if (!map.TryGetValue(name, out var list))
        {
            map[name] = list = new List<Principal>();
        }

        if (!list.Contains(principal))
        {
            list.Add(principal);
        }
    }

    /// <summary>What the filter knows of one principal: the names that lead from its dependents to it.</summary>
    private sealed class Principal(INamedTypeSymbol type, HashSet<string> navigationNames, HashSet<string> dependentTypeNames, HashSet<string> dependentMemberNames)
    {
        public INamedTypeSymbol Type { get; } = type;

        /// <summary>The dependents' navigations to it (<c>Post.Group</c>).</summary>
        public HashSet<string> NavigationNames { get; } = navigationNames;

        /// <summary>The dependent types, and source types deriving from them.</summary>
        public HashSet<string> DependentTypeNames { get; } = dependentTypeNames;

        /// <summary>Every property name of the dependent types: what a lookup by a dependent's value reads (<c>post.GroupId</c>).</summary>
        public HashSet<string> DependentMemberNames { get; } = dependentMemberNames;

        /// <summary>Its counters named after its dependents (<c>PostsCount</c>): bookkeeping whatever the receiver.</summary>
        public HashSet<string> CountersNamingDependents { get; } = new(StringComparer.Ordinal);
    }
}
