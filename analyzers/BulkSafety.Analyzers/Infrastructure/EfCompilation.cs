using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// What BulkSafety computes once per compilation and shares between every rule and fix: the well-known symbols
/// (resolved when the compilation is first seen), the EF mapping and the EF model with its bookkeeping (each read
/// on first use by whichever rule needs it first). Entries live as long as their compilation (a weak table keyed by it).
/// </summary>
internal sealed class EfCompilation
{
    private static readonly ConditionalWeakTable<Compilation, Entry> Entries = new();

    private readonly Compilation compilation;
    private readonly ComputedOnce<EfMapping> mapping = new();
    private readonly ComputedOnce<EfModel> model = new();
    private readonly ComputedOnce<Wrappers> wrappers = new();
    private readonly ConcurrentDictionary<(SyntaxTree Tree, string RuleId), WrapperSettings> wrapperSettings = new();

    private EfCompilation(Compilation compilation, EfCoreSymbols symbols)
    {
        this.compilation = compilation;
        Symbols = symbols;
    }

    /// <summary>The compilation's EF Core symbols.</summary>
    public EfCoreSymbols Symbols { get; }

    /// <summary>The compilation's shared state, or <see langword="null"/> when it does not reference EF Core.</summary>
    public static EfCompilation? For(Compilation compilation)
        => Entries.GetValue(compilation, static c => new Entry(EfCoreSymbols.TryCreate(c, out var symbols) ? new EfCompilation(c, symbols) : null)).Value;

    /// <summary>What the compilation's EF configuration decides (entities, keys, relationships, columns), read on first use.</summary>
    public EfMapping GetMapping(CancellationToken cancellationToken)
        => mapping.Get(ct => EfModelReader.ReadMapping(compilation, Symbols, ct), cancellationToken);

    /// <summary>
    /// The mapping completed with its bookkeeping, on first use. Costlier than <see cref="GetMapping"/>: ask for it only
    /// where <see cref="EfMapping.MayBeRewritten"/> says bookkeeping can change the answer.
    /// </summary>
    public EfModel GetModel(CancellationToken cancellationToken)
        => model.Get(ct => EfModelReader.Complete(compilation, Symbols, GetMapping(ct), ct), cancellationToken);

    /// <summary>
    /// The methods of the compilation that forward to EF Core's writes, found (in syntax) on first use; the names
    /// <paramref name="options"/> give to wrappers count (a helper that calls one forwards).
    /// </summary>
    public Wrappers GetWrappers(AnalyzerOptions options, CancellationToken cancellationToken)
        => wrappers.Get(ct => Wrappers.Find(compilation, Symbols, tree => WrapperSettings.NamesIn(options, tree, WrapperRules), ct), cancellationToken);

    /// <summary>What <c>.editorconfig</c> says about wrappers for <paramref name="ruleId"/> in <paramref name="tree"/>, read once per tree and rule.</summary>
    public WrapperSettings GetWrapperSettings(AnalyzerOptions options, SyntaxTree tree, string ruleId)
        => wrapperSettings.GetOrAdd((tree, ruleId), key => WrapperSettings.Read(options, key.Tree, key.RuleId));

    /// <summary>
    /// Whether a call written as <paramref name="name"/> may forward to EF Core's writes (a syntax filter's question: nothing
    /// is bound); by the wrapper conventions, only to the <paramref name="writes"/> the asking rule reports.
    /// </summary>
    public bool MayForward(string name, ForwardedWrite writes, AnalyzerOptions options, SyntaxTree tree, string ruleId, CancellationToken cancellationToken)
    {
        if (GetWrappers(options, cancellationToken).MayForward(name))
        {
            return true;
        }

        var settings = GetWrapperSettings(options, tree, ruleId);
        return settings.MayForward(name) || (settings.Conventions && WrapperConventions.MayMatchName(name, writes));
    }

    // The rules that read wrappers' options.
    private static readonly string[] WrapperRules =
    [
        DiagnosticIds.PerEntityDeleteLoop, DiagnosticIds.SaveChangesInLoop, DiagnosticIds.PerEntityUpdateLoop, DiagnosticIds.ParentRewrittenPerChild,
    ];

    private sealed class Entry(EfCompilation? value)
    {
        public EfCompilation? Value { get; } = value;
    }
}

/// <summary>
/// A value computed once, on first use, under a lock (later callers wait for it). A cancelled computation leaves nothing
/// behind, so the next caller computes again instead of inheriting the cancellation.
/// </summary>
internal sealed class ComputedOnce<T>
    where T : class
{
    private readonly object gate = new();
    private T? value;

    public T Get(Func<CancellationToken, T> compute, CancellationToken cancellationToken)
    {
        var read = Volatile.Read(ref value);
        if (read is not null)
        {
            return read;
        }

        lock (gate)
        {
            if (value is null)
            {
                Volatile.Write(ref value, compute(cancellationToken));
            }

            return value!;
        }
    }
}
