namespace BulkSafety.IntegrationTests.Infrastructure;

/// <summary>A fresh directory under the system temp folder that belongs to one server and is deleted with it.</summary>
public sealed class ScratchDirectory
{
    private ScratchDirectory(string path) => Path = path;

    /// <summary>The absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates a new directory named <paramref name="prefix"/> plus a random suffix. When we are root and the server runs
    /// as <paramref name="owner"/>, the directory is handed to that user (the server refuses to run as root).
    /// </summary>
    public static async Task<ScratchDirectory> CreateAsync(string prefix, string? owner = null)
    {
        var directory = Directory.CreateTempSubdirectory(prefix);
        if (owner is not null && ExternalCommand.RunningAsRoot)
        {
            (await ExternalCommand.RunAsync("chown", [$"{owner}:{owner}", directory.FullName], null, TimeSpan.FromSeconds(30)))
                .EnsureSuccess();
        }

        return new ScratchDirectory(directory.FullName);
    }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Deletes the directory and everything in it; a directory already gone is fine.</summary>
    public void Delete()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
