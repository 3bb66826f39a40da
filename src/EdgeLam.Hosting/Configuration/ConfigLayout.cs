namespace EdgeLam.Hosting.Configuration;

/// <summary>Where the configuration layers come from. Tests point <see cref="ConfigDirectory"/> at a scratch folder.</summary>
public sealed class ConfigLayout
{
    public const string DefaultConfigDirectory = "/etc/edgelam";

    /// <summary>Overrides the configuration directory (tests, side-by-side installs).</summary>
    public const string ConfigDirectoryVariable = "EDGELAM_CONFIG_DIR";

    /// <summary>Set by systemd from <c>ConfigurationDirectory=</c>.</summary>
    public const string SystemdConfigurationDirectoryVariable = "CONFIGURATION_DIRECTORY";

    /// <summary>Environment variables with this prefix override keys (<c>EDGELAM__Mqtt__Host</c> → <c>Mqtt:Host</c>).</summary>
    public const string EnvironmentPrefix = "EDGELAM__";

    public const string MainFileName = "edgelam.json";

    /// <summary>The directory holding <c>edgelam.json</c>, <c>conf.d/</c> and <c>boards/</c>.</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary>An explicit main file (<c>--config FILE</c>); it must exist. Null uses <c>ConfigDirectory/edgelam.json</c> when present.</summary>
    public string? ExplicitMainFile { get; init; }

    /// <summary>Command-line overrides (<c>--Mqtt:Host=broker</c>), applied last.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>Whether <c>EDGELAM__</c> environment variables are applied.</summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>Directories searched, in order, for <c>boards/NAME.json</c>.</summary>
    public required IReadOnlyList<string> BoardDirectories { get; init; }

    public string MainFile => ExplicitMainFile ?? Path.Combine(ConfigDirectory, MainFileName);

    public string DropInDirectory => Path.Combine(ConfigDirectory, "conf.d");

    /// <summary>
    /// The layout for this process: <paramref name="configDirectory"/> (from <c>--config-dir</c>) or
    /// EDGELAM_CONFIG_DIR or systemd's CONFIGURATION_DIRECTORY or /etc/edgelam; boards from that directory, then
    /// <c>boards/</c> beside the executable, then the repository's <c>boards/</c> for development checkouts.
    /// </summary>
    public static ConfigLayout ForProcess(string? configDirectory, string? explicitMainFile, IReadOnlyList<string> commandLine)
    {
        var dir = configDirectory
            ?? NonEmpty(Environment.GetEnvironmentVariable(ConfigDirectoryVariable))
            ?? FirstPath(Environment.GetEnvironmentVariable(SystemdConfigurationDirectoryVariable))
            ?? DefaultConfigDirectory;
        var boards = new List<string> { Path.Combine(dir, "boards"), Path.Combine(AppContext.BaseDirectory, "boards") };
        if (FindRepositoryRoot() is { } repo)
        {
            boards.Add(Path.Combine(repo, "boards"));
        }

        return new ConfigLayout
        {
            ConfigDirectory = dir,
            ExplicitMainFile = explicitMainFile,
            CommandLine = commandLine,
            BoardDirectories = boards,
        };
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    // systemd passes a colon-separated list when several directories are configured.
    private static string? FirstPath(string? s) => NonEmpty(s)?.Split(':')[0];

    /// <summary>The development checkout holding the executable (EDGELAM_REPO_ROOT, else the folder above holding the solution).</summary>
    public static string? FindRepositoryRoot()
    {
        if (NonEmpty(Environment.GetEnvironmentVariable("EDGELAM_REPO_ROOT")) is { } root)
        {
            return root;
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeLam.Gateway.sln")))
            {
                return d.FullName;
            }
        }

        return null;
    }
}
