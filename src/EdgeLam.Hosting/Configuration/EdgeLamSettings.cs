using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Options;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Hosting.Configuration;

/// <summary>
/// Every options section, bound and validated together from one configuration: the daemon's own (properties) and
/// those of other components (<see cref="IConfigSectionBinder"/>, read with <see cref="Section{T}"/>). An instance
/// never changes; a reload binds a new one (<see cref="SettingsStore"/>).
/// </summary>
public sealed class EdgeLamSettings
{
    private readonly Dictionary<Type, object> _sections = [];

    /// <summary>Top-level sections known to the daemon and its components; anything else draws a warning.</summary>
    public static readonly IReadOnlySet<string> KnownSections = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        NodeOptions.Section, "Mqtt", ModelOptions.Section, MetricsOptions.Section,
        ShutdownOptions.Section, BoardOptions.Section, DiagnosticsOptions.Section, "Logging",
        "Onnx", "Sensors", "Sensing", "Memory", "Pipeline", "Transport", "Orchestration", "Offline",

        // Host settings HostApplicationBuilder itself places in configuration.
        "applicationName", "contentRoot", "environment",
    };

    public required NodeOptions Node { get; init; }

    public required ModelOptions Model { get; init; }

    public required MetricsOptions Metrics { get; init; }

    public required ShutdownOptions Shutdown { get; init; }

    public required BoardOptions Board { get; init; }

    public required DiagnosticsOptions Diagnostics { get; init; }

    public required LogLevelRules LogLevels { get; init; }

    /// <summary>The options a component's section was bound into (<see cref="IConfigSectionBinder"/>).</summary>
    /// <exception cref="KeyNotFoundException">No binder of this configuration produced a <typeparamref name="T"/>.</exception>
    public T Section<T>()
        where T : class =>
        _sections.TryGetValue(typeof(T), out var options)
            ? (T)options
            : throw new KeyNotFoundException("No configuration section was bound into " + typeof(T).Name + ".");

    /// <summary>Binds every section; <paramref name="problems"/> lists each invalid value (empty when valid).</summary>
    public static EdgeLamSettings Bind(
        IConfiguration configuration,
        IEnumerable<IConfigSectionBinder> sectionBinders,
        out IReadOnlyList<ConfigProblem> problems)
    {
        var r = new ConfigReader(configuration);
        var settings = new EdgeLamSettings
        {
            Node = NodeOptions.Bind(r),
            Model = ModelOptions.Bind(r),
            Metrics = MetricsOptions.Bind(r),
            Shutdown = ShutdownOptions.Bind(r),
            Board = BoardOptions.Bind(r),
            Diagnostics = DiagnosticsOptions.Bind(r),
            LogLevels = LogLevelRules.Bind(r),
        };
        foreach (var binder in sectionBinders)
        {
            var options = binder.Bind(r, settings);
            settings._sections[options.GetType()] = options;
        }

        problems = r.Problems;
        return settings;
    }

    /// <summary>Top-level sections nobody reads (usually a typo such as <c>Mqqt</c>).</summary>
    public static IReadOnlyList<string> UnknownSections(IConfiguration configuration) =>
        [.. configuration.GetChildren().Select(c => c.Key).Where(k => !KnownSections.Contains(k))];
}
