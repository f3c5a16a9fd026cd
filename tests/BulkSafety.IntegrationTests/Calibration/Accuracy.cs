using System.Globalization;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>A prediction set against a measurement, and the relative error the calibration tolerances are stated in.</summary>
internal readonly record struct Accuracy(long Predicted, long Measured)
{
    /// <summary>(predicted − measured) / measured; 0 when both are 0, infinite when only the prediction is not.</summary>
    public double RelativeError => Measured == 0
        ? (Predicted == 0 ? 0 : double.PositiveInfinity)
        : (double)(Predicted - Measured) / Measured;

    /// <summary>Whether |<see cref="RelativeError"/>| is at most <paramref name="tolerance"/>.</summary>
    public bool IsWithin(double tolerance) => Math.Abs(RelativeError) <= tolerance;

    /// <summary>The table cell: <c>predicted / measured</c>, with the error when they differ.</summary>
    public string Cell => Predicted == Measured
        ? string.Create(CultureInfo.InvariantCulture, $"{Predicted:N0} / {Measured:N0}")
        : string.Create(CultureInfo.InvariantCulture, $"{Predicted:N0} / {Measured:N0} ({RelativeError:+0.0%;-0.0%})");

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"predicted {Predicted:N0} B, measured {Measured:N0} B ({RelativeError:+0.00%;-0.00%;0%})");
}
