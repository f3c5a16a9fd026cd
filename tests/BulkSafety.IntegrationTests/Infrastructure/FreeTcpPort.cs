using System.Net;
using System.Net.Sockets;

namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>Free loopback ports, chosen by the operating system rather than guessed.</summary>
public static class FreeTcpPort
{
    /// <summary>
    /// Binds port 0 on 127.0.0.1, reads the port the OS picked and releases it. Another process could take it before
    /// the server binds it, so server start-up retries with a fresh port when the bind fails.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
