namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>An error reported by the MariaDB server (or its client) for a statement.</summary>
public sealed class MariaDbException(int errorCode, string sqlState, string serverMessage)
    : Exception($"MariaDB error {errorCode} ({sqlState}): {serverMessage}")
{
    /// <summary>The MariaDB error number, e.g. 1146 for a missing table.</summary>
    public int ErrorCode { get; } = errorCode;

    /// <summary>The SQLSTATE, e.g. 42S02.</summary>
    public string SqlState { get; } = sqlState;

    /// <summary>The server's message text as the client printed it.</summary>
    public string ServerMessage { get; } = serverMessage;
}
