using System;
using System.Runtime.CompilerServices;
using System.Threading;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// The EF model of each compilation, read once and shared by every BulkSafety rule that needs it. Entries live as long
/// as their compilation (a weak table keyed by the compilation). The first caller reads the model under a lock while
/// later callers wait; a cancelled read leaves nothing behind, so the next caller reads again instead of inheriting the
/// cancellation.
/// </summary>
internal static class EfModelCache
{
    private static readonly ConditionalWeakTable<Compilation, Entry> Entries = new();

    public static EfModel Get(Compilation compilation, EfModelSymbols symbols, CancellationToken cancellationToken)
        => Entries.GetValue(compilation, static _ => new Entry()).Get(compilation, symbols, cancellationToken);

    /// <summary>
    /// What a rule registers at compilation start: the compilation's model, read on first use (by whichever rule needs it
    /// first) and shared from then on.
    /// </summary>
    public static Func<CancellationToken, EfModel> For(Compilation compilation, EfCoreSymbols symbols)
    {
        var modelSymbols = EfModelSymbols.For(compilation, symbols);
        return cancellationToken => Get(compilation, modelSymbols, cancellationToken);
    }

    private sealed class Entry
    {
        private readonly object gate = new();
        private EfModel? model;

        public EfModel Get(Compilation compilation, EfModelSymbols symbols, CancellationToken cancellationToken)
        {
            var read = Volatile.Read(ref model);
            if (read is not null)
            {
                return read;
            }

            lock (gate)
            {
                if (model is null)
                {
                    Volatile.Write(ref model, EfModelReader.Read(compilation, symbols, cancellationToken));
                }

                return model!;
            }
        }
    }
}
