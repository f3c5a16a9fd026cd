using System.Globalization;
using System.Text;

namespace BulkSafety.Estimation;

/// <summary>A row: its schema-qualified table and its primary key value (an array for composite keys).</summary>
internal readonly struct RowIdentity : IEquatable<RowIdentity>
{
    private readonly string[] _keyNames;
    private readonly object?[] _keyValues;

    public RowIdentity(string table, string[] keyNames, object?[] keyValues)
    {
        Table = table;
        _keyNames = keyNames;
        _keyValues = keyValues;
    }

    public string Table { get; }

    public bool Equals(RowIdentity other)
    {
        if (!string.Equals(Table, other.Table, StringComparison.Ordinal) || _keyValues.Length != other._keyValues.Length)
        {
            return false;
        }

        for (var i = 0; i < _keyValues.Length; i++)
        {
            if (!Equals(_keyValues[i], other._keyValues[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is RowIdentity other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Table, StringComparer.Ordinal);
        foreach (var value in _keyValues)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    /// <summary>The row as a report shows it: <c>groups(Id=7)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Table).Append('(');
        for (var i = 0; i < _keyValues.Length; i++)
        {
            text.Append(i > 0 ? ", " : "").Append(_keyNames[i]).Append('=').Append(Convert.ToString(_keyValues[i], CultureInfo.InvariantCulture));
        }

        return text.Append(')').ToString();
    }
}
