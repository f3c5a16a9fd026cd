using System.Text;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>
/// A markdown table of measured figures: printed to the test output, and written to
/// <c>$BULKSAFETY_FIGURES_DIR/&lt;name&gt;.md</c> when that variable is set (this is how docs/real-databases.md is
/// regenerated).
/// </summary>
public sealed class FiguresReport(string name, string title, IReadOnlyList<string> columns)
{
    /// <summary>The environment variable naming the directory the tables are written to.</summary>
    public const string DirectoryVariable = "BULKSAFETY_FIGURES_DIR";

    private readonly List<IReadOnlyList<string>> rows = [];

    /// <summary>Adds a row; one cell per column.</summary>
    public void Add(params IReadOnlyList<string> cells)
    {
        if (cells.Count != columns.Count)
        {
            throw new ArgumentException($"{cells.Count} cells for {columns.Count} columns", nameof(cells));
        }

        rows.Add(cells);
    }

    /// <summary>Prints the table to <paramref name="output"/> and writes it to the figures directory if one is set.</summary>
    public void Publish(ITestOutputHelper output)
    {
        var text = new StringBuilder()
            .AppendLine($"<!-- {title} -->")
            .AppendLine("| " + string.Join(" | ", columns) + " |")
            .AppendLine("|" + string.Concat(columns.Select((_, i) => i == 0 ? "---|" : "---:|")))
            .AppendJoin(string.Empty, rows.Select(row => "| " + string.Join(" | ", row) + " |\n"))
            .ToString();
        output.WriteLine(text);
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, name + ".md"), text);
        }
    }
}
