using Microsoft.Extensions.Configuration;

namespace EdgeLam.Sensors.Configuration;

/// <summary>The <c>Board</c> section.</summary>
public sealed class BoardOptions
{
    public string Name { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;
}

/// <summary>The parts of the <c>Onnx</c> and <c>Memory</c> sections a board profile supplies (read by the daemon).</summary>
public sealed class BoardOnnxOptions
{
    public List<string> Providers { get; set; } = [];

    public int IntraOpThreads { get; set; }

    public int InterOpThreads { get; set; }
}

/// <summary>
/// A board profile: a configuration fragment in the daemon's shape (<c>Board</c>, <c>Sensors</c>, <c>Onnx</c>,
/// <c>Memory</c>). <see cref="Configuration"/> is what the daemon merges; <see cref="Sensors"/> is bound with the
/// configuration binder source generator (no reflection).
/// </summary>
public sealed class BoardProfile
{
    private BoardProfile(string path, IConfigurationRoot configuration)
    {
        Path = path;
        Configuration = configuration;
        configuration.GetSection("Board").Bind(Board);
        configuration.GetSection(SensorsOptions.SectionName).Bind(Sensors);
        configuration.GetSection("Onnx").Bind(Onnx);
        MemoryBudgetMb = configuration.GetValue("Memory:BudgetMb", 0);
    }

    public string Path { get; }

    public IConfigurationRoot Configuration { get; }

    public BoardOptions Board { get; } = new();

    public SensorsOptions Sensors { get; } = new();

    public BoardOnnxOptions Onnx { get; } = new();

    public int MemoryBudgetMb { get; }

    public static BoardProfile Load(string path)
    {
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(System.IO.Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
            return new BoardProfile(path, configuration);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException or InvalidOperationException)
        {
            throw new BoardProfileException($"board profile {path} is not valid JSON configuration: {e.Message}", e);
        }
    }

    /// <summary>
    /// Finds a board by name or path: an existing file path as given; else NAME.json in <c>/etc/edgelam/boards</c>, in
    /// <c>boards/</c> beside the executable, then in <c>boards/</c> of the repository (searched upward from the current
    /// directory and from the executable).
    /// </summary>
    public static string? Locate(string nameOrPath, IEnumerable<string>? extraDirectories = null)
    {
        if (File.Exists(nameOrPath))
        {
            return System.IO.Path.GetFullPath(nameOrPath);
        }

        var file = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? nameOrPath : nameOrPath + ".json";
        if (file.Contains('/') || file.Contains(".."))
        {
            return null;
        }

        var candidates = new List<string>(extraDirectories ?? []) { "/etc/edgelam/boards", System.IO.Path.Combine(AppContext.BaseDirectory, "boards") };
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeLam.Gateway.sln")))
                {
                    candidates.Add(System.IO.Path.Combine(dir.FullName, "boards"));
                    break;
                }
            }
        }

        return candidates.Select(d => System.IO.Path.Combine(d, file)).FirstOrDefault(File.Exists);
    }
}

/// <summary>A board profile that cannot be found or parsed.</summary>
public sealed class BoardProfileException : Exception
{
    public BoardProfileException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public BoardProfileException()
    {
    }

    public BoardProfileException(string message)
        : base(message)
    {
    }
}
