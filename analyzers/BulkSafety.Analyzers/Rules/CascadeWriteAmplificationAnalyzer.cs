using System;
using System.Collections.Immutable;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Rules;

/// <summary>
/// BS2001: a relationship whose principal is deleted with its dependents (Cascade, ClientCascade) while each dependent's
/// change rewrites the principal (counter cache, touched timestamp), so deleting one principal can rewrite its row
/// 2N+1 times. Reported once per relationship, on the fluent <c>HasMany</c>/<c>HasOne</c> or, when configured by
/// convention, on the navigation, from the per-compilation EF model.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CascadeWriteAmplificationAnalyzer : EfCoreAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.CascadeWriteAmplification);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, EfCompilation ef)
    {
        // This rule reads the EF mapping for every tree: read it here, once, before any callback runs (the driver runs every
        // rule's start action first), so that no callback waits on it and the loop rules find it read.
        ef.GetMapping(start.CancellationToken);
        start.RegisterSemanticModelAction(c => Report(c, ef));
    }

    private static void Report(SemanticModelAnalysisContext context, EfCompilation ef)
    {
        var mapping = ef.GetMapping(context.CancellationToken);
        foreach (var relationship in mapping.RelationshipsConfiguredIn(context.SemanticModel.SyntaxTree))
        {
            // Bookkeeping is what turns a cascade into rewrites; without a statement that may keep it, nothing to read.
            if (!relationship.CascadesDelete || !mapping.MayBeRewritten(relationship.Principal))
            {
                continue;
            }

            var rewrites = ef.GetModel(context.CancellationToken).PrincipalRewrites(relationship);
            if (rewrites.IsEmpty)
            {
                continue;
            }

            var principal = relationship.Principal.Name;
            var dependents = relationship.PrincipalNavigation?.Name ?? relationship.Dependent.Name + "s";
            var rewritten = string.Join(", ", rewrites.Select(w => w.Property.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal));
            var unbounded = mapping.UnboundedColumnsOf(relationship.Principal).Select(c => c.Property.Name).Distinct().ToList();
            var details = unbounded.Count == 0
                ? rewritten
                : rewritten + "; " + JoinAnd(unbounded) + (unbounded.Count == 1 ? " is" : " are") + " unbounded";
            var writesPerDependent = rewrites.Select(w => w.Kind).Distinct().Count();
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.CascadeWriteAmplification,
                relationship.Location,
                principal,
                dependents,
                relationship.Dependent.Name,
                details,
                writesPerDependent == 1 ? "N+1" : writesPerDependent + "N+1",
                unbounded.Count == 0 ? "row" : "wide row"));
        }
    }

    private static string JoinAnd(System.Collections.Generic.IReadOnlyList<string> names)
        => names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
}
