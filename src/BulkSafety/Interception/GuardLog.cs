using Microsoft.Extensions.Logging;

namespace BulkSafety.Interception;

/// <summary>
/// The guard's log messages. The event IDs are stable (docs/guard.md lists them): 1 estimate (Debug; Information from
/// <see cref="BulkSafetyOptions.LogUnitsOfWorkFromBytes"/> up), 2 allowance
/// (Warning), 3 budget exceeded (Error), 4 throttling (Warning), 5 estimate failed (Warning), 6 bulk command not estimated
/// (Warning).
/// </summary>
internal static partial class GuardLog
{
    public const int UnitOfWorkEstimatedId = 1;
    public const int AllowanceUsedId = 2;
    public const int BudgetExceededId = 3;
    public const int ThrottlingId = 4;
    public const int EstimateFailedId = 5;
    public const int CommandNotEstimatedId = 6;

    [LoggerMessage(EventId = UnitOfWorkEstimatedId, EventName = "UnitOfWorkEstimated",
        Message = "{Operation} of {Context} will write {Rows} rows, {Bytes} B of {Profile} log ({WindowBytes} B already in the last minute)")]
    public static partial void UnitOfWorkEstimated(ILogger logger, LogLevel level, string context, string operation, int rows, long bytes, string profile, long windowBytes);

    [LoggerMessage(EventId = AllowanceUsedId, EventName = "AllowanceUsed", Level = LogLevel.Warning,
        Message = "Allowance \"{Reason}\" lets {Context} exceed {RuleId} ({Charged} of {MaxBytes} B of the allowance used): {Detail}")]
    public static partial void AllowanceUsed(ILogger logger, string reason, string context, string ruleId, long charged, string maxBytes, string detail);

    [LoggerMessage(EventId = BudgetExceededId, EventName = "BudgetExceeded", Level = LogLevel.Error,
        Message = "{RuleId} {Action} ({Mode} mode): {Report}")]
    public static partial void BudgetExceeded(ILogger logger, string ruleId, string action, BulkSafetyMode mode, BulkSafetyReport report);

    [LoggerMessage(EventId = ThrottlingId, EventName = "Throttling", Level = LogLevel.Warning,
        Message = "Throttling {Context} for {WaitSeconds:0.###} s until the window has room: {Detail}")]
    public static partial void Throttling(ILogger logger, string context, double waitSeconds, string detail);

    [LoggerMessage(EventId = EstimateFailedId, EventName = "EstimateFailed", Level = LogLevel.Warning,
        Message = "Could not estimate the unit of work of {Context}; handled as OnUnknown = {Policy}")]
    public static partial void EstimateFailed(ILogger logger, Exception exception, string context, UnknownCostPolicy policy);

    [LoggerMessage(EventId = CommandNotEstimatedId, EventName = "CommandNotEstimated", Level = LogLevel.Warning,
        Message = "Could not estimate the {Operation} of {Context} before it runs ({Reason}); handled as OnUnknown = {Policy}")]
    public static partial void CommandNotEstimated(ILogger logger, string operation, string context, string reason, UnknownCostPolicy policy);
}
