using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLam.Hosting.Tests;

/// <summary>Records every datagram the code under test would send to systemd.</summary>
internal sealed class RecordingNotifier : ISystemdNotifier
{
    private readonly List<string> _messages = [];

    public bool IsEnabled => true;

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public void Notify(ServiceState state)
    {
        lock (_messages)
        {
            _messages.Add(state.ToString());
        }
    }
}

internal static class Settings
{
    public static IConfigurationRoot Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    public static EdgeLamSettings Bind(IConfiguration config, out IReadOnlyList<ConfigProblem> problems) =>
        EdgeLamSettings.Bind(config, [], out problems);

    public static EdgeLamSettings Valid(params (string Key, string? Value)[] values)
    {
        var settings = Bind(Config(values), out var problems);
        Assert.Empty(problems);
        return settings;
    }
}
