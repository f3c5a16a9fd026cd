using System;
using System.Runtime.CompilerServices;
using System.Threading;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// What BulkSafety computes once per compilation and shares between every rule and fix: the well-known symbols
/// (resolved when the compilation is first seen) and the EF model (read on first use by whichever rule needs it
/// first). Entries live as long as their compilation (a weak table keyed by it).
/// </summary>
internal sealed class EfCompilation
{
    private static readonly ConditionalWeakTable<Compilation, Entry> Entries = new();

    private readonly Compilation compilation;
    private readonly ComputedOnce<EfModel> model = new();

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

    /// <summary>The EF model of the compilation, read on first use.</summary>
    public EfModel GetModel(CancellationToken cancellationToken)
        => model.Get(ct => EfModelReader.Read(compilation, Symbols, ct), cancellationToken);

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
