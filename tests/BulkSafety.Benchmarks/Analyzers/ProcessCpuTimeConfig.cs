using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace BulkSafety.Benchmarks.Analyzers;

/// <summary>
/// Measures the CPU time the benchmark process spends (all threads, user + kernel) instead of wall-clock time, so that
/// other processes on a shared, loaded machine do not inflate the figures as much. Runs in process, because the clock
/// must be the one read by the benchmark's own process, with a long timeout: on a loaded machine (load average 29) one
/// benchmark of 14 operations of about 5 s CPU outlasted the in-process toolchain's default timeout.
/// </summary>
public sealed class ProcessCpuTimeConfig : ManualConfig
{
    public ProcessCpuTimeConfig()
        => AddJob(Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithClock(ProcessCpuClock.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(12)
            .WithId("ProcessCpuTime"));

    /// <summary>Process CPU time in 100 ns ticks (Linux accounts it in 10 ms steps: ample for operations of seconds).</summary>
    private sealed class ProcessCpuClock : IClock
    {
        public static readonly ProcessCpuClock Instance = new();

        public string Title => "Process CPU time";

        public bool IsAvailable => true;

        public Frequency Frequency => new(TimeSpan.TicksPerSecond);

        public long GetTimestamp()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime.Ticks;
        }
    }
}
