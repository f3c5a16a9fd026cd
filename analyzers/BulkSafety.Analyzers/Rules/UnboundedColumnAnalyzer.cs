using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Rules;

/// <summary>
/// BS3001 (warning): an unbounded string/byte[] column on a hot row, one that bookkeeping rewrites per dependent.
/// BS3002 (info): an unbounded string/byte[] column anywhere else in the EF model. Reported on the property's name,
/// from the per-compilation EF model, in the document that declares the property; for an entity declared in another
/// assembly, where this compilation maps it (its <c>Property(...)</c> call, <c>Entity&lt;T&gt;()</c>, configuration class or <c>DbSet</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedColumnAnalyzer : EfCoreAnalyzer
{
    /// <summary>The <c>.editorconfig</c> option with the length the message and the fix suggest.</summary>
    public const string MaxLengthOption = "max_length";

    /// <summary>The postmortem's "we never expected group descriptions to be larger than 2 KB".</summary>
    public const int DefaultMaxLength = 2000;

    /// <summary>Diagnostic property: the length to suggest (from <see cref="MaxLengthOption"/>).</summary>
    public const string MaxLengthProperty = "MaxLength";

    /// <summary>Diagnostic property: which fix applies (<see cref="FixAddAttribute"/> or <see cref="FixAppendHasMaxLength"/>); absent when none does.</summary>
    public const string FixProperty = "Fix";

    public const string FixAddAttribute = "AddMaxLengthAttribute";
    public const string FixAppendHasMaxLength = "AppendHasMaxLength";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UnboundedColumnOnHotRow, Descriptors.UnboundedColumn);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
    {
        // This rule reads the EF mapping for every tree: read it here, once, before any callback runs (the driver runs every
        // rule's start action first), so that no callback waits on it and the loop rules find it read.
        ef.GetMapping(start.CancellationToken);
        start.RegisterSemanticModelAction(c => Report(c, ef));
    }

    private static void Report(SemanticModelAnalysisContext context, EfCompilation ef)
    {
        var tree = context.SemanticModel.SyntaxTree;
        var mapping = ef.GetMapping(context.CancellationToken);

        // Only bookkeeping makes a row hot: read it only when it may rewrite a row holding one of these columns.
        var columns = mapping.UnboundedColumnsIn(tree).Any(mapping.MayBeHot)
            ? ef.GetModel(context.CancellationToken).UnboundedColumnsIn(tree)
            : mapping.UnboundedColumnsIn(tree);
        foreach (var column in columns)
        {
            if (!column.IsOnHotRow && ef.Symbols.Providers.OnlySqlite)
            {
                continue;
            }

            var descriptor = column.IsOnHotRow ? Descriptors.UnboundedColumnOnHotRow : Descriptors.UnboundedColumn;
            var maxLength = RuleOptions.GetInt32(context.Options, tree, descriptor.Id, MaxLengthOption, DefaultMaxLength);
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[MaxLengthProperty] = maxLength.ToString(CultureInfo.InvariantCulture);
            var additionalLocations = new List<Location>();
            string remedy;
            switch (column.Fix)
            {
                case ColumnFix.AddMaxLengthAttribute:
                    properties[FixProperty] = FixAddAttribute;
                    remedy = $"[MaxLength({maxLength})]";
                    break;
                case ColumnFix.AppendHasMaxLength when column.FluentPropertyCall is { } call:
                    properties[FixProperty] = FixAppendHasMaxLength;
                    additionalLocations.Add(call.GetLocation());
                    remedy = $".HasMaxLength({maxLength})";
                    break;
                case ColumnFix.None when column.Reason is null:
                    // Declared in another assembly and mapped here without a Property(...) call: bound it in the mapping
                    // (an owned type's in its owner's OwnsOne/OwnsMany builder).
                    var bound = $"Property(x => x.{column.Property.Name}).HasMaxLength({maxLength})";
                    remedy = OwnerNavigation(column.Entities[0], mapping.Configuration) is { } owner
                        ? $"{owner.Call}(x => x.{owner.Navigation.Name}, b => b.{bound})"
                        : $"Entity<{column.Entities[0].Name}>().{bound}";
                    break;
                default:
                    remedy = $"a sized type or a length of at most {maxLength}";
                    break;
            }

            var name = column.Property.ContainingType.Name + "." + column.Property.Name;
            var storeType = column.Reason is null ? column.StoreType : column.StoreType + ": " + column.Reason;
            var arguments = column.IsOnHotRow
                ? new object[] { name, storeType, HotReason(column.HotBecause), remedy }
                : new object[] { name, storeType, remedy };
            context.ReportDiagnostic(Diagnostic.Create(descriptor, column.Location, additionalLocations, properties.ToImmutable(), arguments));
        }
    }

    // The owner's navigation to an owned type (Order.Address for Address), and whether it is an OwnsOne or OwnsMany.
    private static (string Call, IPropertySymbol Navigation)? OwnerNavigation(INamedTypeSymbol owned, ModelConfiguration configuration)
    {
        if (!configuration.OwnedTypes.Contains(owned))
        {
            return null;
        }

        var owners = configuration.OwnersOfOwnedOne.TryGetValue(owned, out var ownersOfOne) ? ownersOfOne.AsEnumerable() : configuration.Entities;
        foreach (var owner in owners.OrderBy(o => o.ToDisplayString(), System.StringComparer.Ordinal))
        {
            for (var type = owner; type is not null; type = type.BaseType)
            {
                foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
                {
                    if (SymbolEqualityComparer.Default.Equals(ConfigurationReader.NavigationTarget(property.Type), owned))
                    {
                        return (SymbolEqualityComparer.Default.Equals(property.Type, owned) ? "OwnsOne" : "OwnsMany", property);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>"Group.PostsCount, Group.UpdatedAt rewritten per Post".</summary>
    private static string HotReason(ImmutableArray<BookkeepingWrite> writes)
    {
        var rewritten = writes.Select(w => w.Principal.Name + "." + w.Property.Name).Distinct().OrderBy(n => n, System.StringComparer.Ordinal);
        var dependents = writes.Select(w => w.Dependent.Name).Distinct().OrderBy(n => n, System.StringComparer.Ordinal);
        return string.Join(", ", rewritten) + " rewritten per " + string.Join(" and ", dependents);
    }
}
