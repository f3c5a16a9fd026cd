using BulkSafety.SafePaths;

namespace BulkSafety.Tests.SafePaths;

/// <summary>Log positions sampled over time turned into bytes per minute, as the log-rate probes use them.</summary>
public sealed class LogRateWindowTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 31, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BeforeTheWindowFills_CountsWhatWasWrittenSinceTheFirstSample_WithoutExtrapolating()
    {
        var window = new LogRateWindow(TimeSpan.FromMinutes(1));

        Assert.Equal(0, window.AddAndMeasurePerMinute(Start, 5_000));
        // 1 MB in the first second is 1 MB "in the last minute" so far, not 60 MB/min.
        Assert.Equal(1_000_000, window.AddAndMeasurePerMinute(Start.AddSeconds(1), 1_005_000));
    }

    [Fact]
    public void AfterTheWindowFills_InterpolatesThePositionAtItsStart()
    {
        var window = new LogRateWindow(TimeSpan.FromMinutes(1));
        window.AddAndMeasurePerMinute(Start, 0);
        window.AddAndMeasurePerMinute(Start.AddSeconds(40), 4_000_000);

        // At 80 s the window starts at 20 s, where the position was 2,000,000 (half-way between the two samples).
        Assert.Equal(3_000_000, window.AddAndMeasurePerMinute(Start.AddSeconds(80), 5_000_000));
        // Nothing written for a minute after that: the rate falls to 0.
        Assert.Equal(0, window.AddAndMeasurePerMinute(Start.AddSeconds(140), 5_000_000));
    }

    [Fact]
    public void AShorterWindow_IsScaledToAMinute()
    {
        var window = new LogRateWindow(TimeSpan.FromSeconds(10));
        window.AddAndMeasurePerMinute(Start, 0);

        Assert.Equal(600_000, window.AddAndMeasurePerMinute(Start.AddSeconds(10), 100_000));
    }

    [Fact]
    public void ALogThatGoesBack_StartsOver()
    {
        var window = new LogRateWindow(TimeSpan.FromMinutes(1));
        window.AddAndMeasurePerMinute(Start, 9_000_000);

        Assert.Equal(0, window.AddAndMeasurePerMinute(Start.AddSeconds(1), 100));
        Assert.Equal(50, window.AddAndMeasurePerMinute(Start.AddSeconds(2), 150));
    }

    [Fact]
    public void ANonPositiveWindow_IsRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new LogRateWindow(TimeSpan.Zero));
}
