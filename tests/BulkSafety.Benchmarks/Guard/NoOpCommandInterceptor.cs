using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.Benchmarks.Guard;

/// <summary>
/// A command interceptor that does nothing: the baseline of what any command interceptor costs, because EF Core builds
/// the event data of every command event once one is registered, whatever the interceptor does with it.
/// </summary>
public sealed class NoOpCommandInterceptor : DbCommandInterceptor;
