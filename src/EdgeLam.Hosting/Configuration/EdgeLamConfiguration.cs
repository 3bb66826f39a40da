using EdgeLam.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Hosting.Configuration;

/// <summary>
/// Builds the layered configuration: built-in defaults → board profile → <c>edgelam.json</c> →
/// <c>conf.d/*.json</c> (ordinal order) → <c>EDGELAM__</c> environment → command line. The board profile sits
/// just above the defaults so every file an operator writes can override it.
/// </summary>
public static class EdgeLamConfiguration
{
    /// <summary>Built-in defaults: the simulator board, a broker on localhost, no model.</summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>
    {
        [BoardProfiles.NameKey] = BoardProfiles.BuiltInBoard,
        ["Mqtt:Host"] = "localhost",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
    };

    /// <summary>
    /// Adds every layer to <paramref name="builder"/> (a <see cref="ConfigurationManager"/> loads each as it is
    /// added). Returns the problems that stop start-up: an explicit file that does not exist, a file that is not
    /// valid JSON, an unknown board. On problems the builder may hold only some layers.
    /// </summary>
    public static IReadOnlyList<ConfigProblem> AddLayers(IConfigurationBuilder builder, ConfigLayout layout)
    {
        var problems = new List<ConfigProblem>();
        if (layout.ExplicitMainFile is { } explicitFile && !File.Exists(explicitFile))
        {
            problems.Add(new ConfigProblem("--config", explicitFile, "must name an existing configuration file (not found)"));
            return problems;
        }

        var files = new List<string>();
        if (File.Exists(layout.MainFile))
        {
            files.Add(Path.GetFullPath(layout.MainFile));
        }

        if (Directory.Exists(layout.DropInDirectory))
        {
            var dropIns = Directory.GetFiles(layout.DropInDirectory, "*.json");
            Array.Sort(dropIns, StringComparer.Ordinal);
            files.AddRange(dropIns);
        }

        // Parse the operator's layers once without the board to learn which board to merge.
        var probe = new ConfigurationBuilder();
        AddUserLayers(probe, files, layout);
        IConfigurationRoot probeRoot;
        try
        {
            probeRoot = probe.Build();
        }
        catch (InvalidDataException e)
        {
            problems.Add(MalformedFile(e, files));
            return problems;
        }

        var boardName = probeRoot[BoardProfiles.NameKey] is { Length: > 0 } b ? b.Trim() : BoardProfiles.BuiltInBoard;
        string? boardFile = null;
        if (!ConfigReader.IsTopicSafe(boardName, 64))
        {
            problems.Add(new ConfigProblem(BoardProfiles.NameKey, boardName, "must be a board name of letters, digits, '.', '_' or '-'"));
            return problems;
        }

        boardFile = BoardProfiles.Find(boardName, layout.BoardDirectories);
        if (boardFile is null && boardName != BoardProfiles.BuiltInBoard)
        {
            problems.Add(new ConfigProblem(
                BoardProfiles.NameKey,
                boardName,
                $"must name a board profile; known boards: {string.Join(", ", BoardProfiles.Available(layout.BoardDirectories))} (searched {string.Join(", ", layout.BoardDirectories)})"));
            return problems;
        }

        try
        {
            builder.AddInMemoryCollection(Defaults);
            if (boardFile is not null)
            {
                builder.AddJsonFile(boardFile, optional: false, reloadOnChange: false);
            }

            AddUserLayers(builder, files, layout);
        }
        catch (InvalidDataException e)
        {
            problems.Add(MalformedFile(e, boardFile is null ? files : [boardFile, .. files]));
        }

        return problems;
    }

    /// <summary>Builds a standalone root (for <c>edgelam doctor</c> and tests).</summary>
    public static IConfigurationRoot Build(ConfigLayout layout, out IReadOnlyList<ConfigProblem> problems)
    {
        var manager = new ConfigurationManager();
        problems = AddLayers(manager, layout);
        return manager;
    }

    private static void AddUserLayers(IConfigurationBuilder builder, List<string> files, ConfigLayout layout)
    {
        foreach (var file in files)
        {
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }

        if (layout.UseEnvironment)
        {
            builder.AddEnvironmentVariables(ConfigLayout.EnvironmentPrefix);
        }

        if (layout.CommandLine.Count > 0)
        {
            builder.AddCommandLine([.. layout.CommandLine]);
        }
    }

    private static ConfigProblem MalformedFile(InvalidDataException e, List<string> files)
    {
        // FileConfigurationProvider names the file in its message; the inner exception has the JSON position.
        var file = files.FirstOrDefault(f => e.Message.Contains(f, StringComparison.Ordinal)) ?? "configuration file";
        Exception innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var detail = innermost.Message.ReplaceLineEndings(" ");
        return new ConfigProblem(file, null, "must be valid JSON: " + detail);
    }
}
