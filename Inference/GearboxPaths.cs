namespace Gearbox;

/// <summary>Where Gearbox keeps its generated files (data, weights, profiles); never inside git.</summary>
public sealed class GearboxPaths
{
    public GearboxPaths(string dataDirectory) => DataDirectory = Path.GetFullPath(dataDirectory);

    public string DataDirectory { get; }
    public string DatasetFile => Path.Combine(DataDirectory, "fashion-mnist.bin");
    public string ModelsDirectory => Path.Combine(DataDirectory, "models");
    public string ProfilesDirectory => Path.Combine(DataDirectory, "profiles");

    /// <summary>GEARBOX_DATA if set, else the .data folder of the checkout that holds this build.</summary>
    public static GearboxPaths Default()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GEARBOX_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return new GearboxPaths(fromEnv);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
                return new GearboxPaths(Path.Combine(dir.FullName, ".data"));
        }
        return new GearboxPaths(Path.Combine(Directory.GetCurrentDirectory(), ".data"));
    }
}
