using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Reload;
using EdgeLam.Hosting.Status;
using EdgeLam.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Hosting.Tests;

public sealed class ReloadServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RecordingNotifier _notifier = new();

    public void Dispose() => _dir.Dispose();

    private string MainFile => _dir.Combine("edgelam.json");

    private (ReloadService Service, SettingsStore Store) Start(string json)
    {
        File.WriteAllText(MainFile, json);
        var root = EdgeLamConfiguration.Build(
            new ConfigLayout { ConfigDirectory = _dir.Path, UseEnvironment = false, BoardDirectories = [] },
            out var problems);
        Assert.Empty(problems);
        var store = new SettingsStore(Settings.Bind(root, out var bindProblems));
        Assert.Empty(bindProblems);
        var service = new ReloadService(root, [], store, _notifier, new ServiceStatus(), NullLogger<ReloadService>.Instance);
        return (service, store);
    }

    [Fact]
    public async Task ReloadAsync_ValidChange_ReplacesSettingsAndNotifiesReloadingThenReady()
    {
        var (service, store) = Start("""{ "Metrics": { "Enabled": false }, "Logging": { "LogLevel": { "Default": "Warning" } } }""");
        EdgeLamSettings? seen = null;
        store.Changed += (_, next) => seen = next;
        File.WriteAllText(MainFile, """{ "Metrics": { "Enabled": true, "Port": 9999 }, "Logging": { "LogLevel": { "Default": "Debug" } } }""");

        Assert.True(await service.ReloadAsync());

        Assert.Same(store.Current, seen);
        Assert.True(store.Current.Metrics.Enabled);
        Assert.Equal(9999, store.Current.Metrics.Port);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, store.Current.LogLevels.Default);
        var messages = _notifier.Messages;
        Assert.Equal(2, messages.Count);
        Assert.StartsWith("RELOADING=1\nMONOTONIC_USEC=", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("READY=1\nSTATUS=", messages[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Metrics": { "Port": 0 } }""")]
    [InlineData("""{ "Metrics": { "Port": """)]
    public async Task ReloadAsync_InvalidChange_KeepsRunningSettings(string broken)
    {
        var (service, store) = Start("""{ "Metrics": { "Port": 9100 } }""");
        var before = store.Current;
        File.WriteAllText(MainFile, broken);

        Assert.False(await service.ReloadAsync());

        Assert.Same(before, store.Current);
        Assert.EndsWith("(last reload rejected)", _notifier.Messages[^1], StringComparison.Ordinal);
    }
}
