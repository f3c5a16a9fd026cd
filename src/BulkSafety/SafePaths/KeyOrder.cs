using System.Runtime.InteropServices;

namespace BulkSafety.SafePaths;

/// <summary>Puts rows read ahead in the order of their integer keys, each row's sizes moving with its key.</summary>
internal static class KeyOrder
{
    /// <param name="keys">Each row's key.</param>
    /// <param name="sizes">Each row's <paramref name="width"/> sizes, row after row.</param>
    /// <param name="width">The sizes per row.</param>
    public static void Sort(List<long> keys, List<long> sizes, int width)
    {
        var ordered = CollectionsMarshal.AsSpan(keys);
        var inOrder = true;
        for (var i = 1; i < ordered.Length && inOrder; i++)
        {
            inOrder = ordered[i] >= ordered[i - 1];
        }

        if (inOrder)
        {
            return;
        }

        var rows = new int[ordered.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
        }

        ordered.Sort(rows.AsSpan());
        var before = sizes.ToArray();
        var after = CollectionsMarshal.AsSpan(sizes);
        for (var i = 0; i < rows.Length; i++)
        {
            before.AsSpan(rows[i] * width, width).CopyTo(after.Slice(i * width, width));
        }
    }
}
