using EdgeLam.Core.Configuration;
using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Gateway.Tests;

/// <summary>The daemon's settings bound from in-memory values with every section binder of <c>edgelam run</c>.</summary>
internal static class DaemonSettings
{
    public static IConfigurationRoot Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    public static EdgeLamSettings Bind(IConfiguration config, out IReadOnlyList<ConfigProblem> problems) =>
        EdgeLamSettings.Bind(config, DaemonSections.Binders, out problems);

    public static EdgeLamSettings Valid(params (string Key, string? Value)[] values)
    {
        var settings = Bind(Config(values), out var problems);
        Assert.Empty(problems);
        return settings;
    }
}
