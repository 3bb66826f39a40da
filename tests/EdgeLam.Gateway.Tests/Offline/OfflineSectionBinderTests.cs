using EdgeLam.Gateway.Hosting;
using EdgeLam.Gateway.Offline;
using EdgeLam.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Gateway.Tests.Offline;

public sealed class OfflineSectionBinderTests
{
    private static ConfigReader Reader(params (string Key, string Value)[] values) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Bind_EnabledUnderSystemd_DirectoryUnderTheFirstStateDirectory()
    {
        var r = Reader(("Offline:Enabled", "true"));

        var options = OfflineSectionBinder.Bind(r, "/var/lib/edgelam:/var/lib/other");

        Assert.Empty(r.Problems);
        Assert.True(options.Enabled);
        Assert.Equal("/var/lib/edgelam/offline", options.Directory);
        Assert.Equal(64L << 20, options.MaxBytes);
    }

    [Fact]
    public void Bind_EveryKey_BoundAsWritten()
    {
        var r = Reader(("Offline:Enabled", "true"), ("Offline:Directory", "/srv/q"), ("Offline:MaxBytes", "1048576"), ("Offline:MaxWindows", "50"), ("Offline:Ttl", "90s"), ("Offline:MaxAttempts", "7"));

        var options = OfflineSectionBinder.Bind(r, null);

        Assert.Empty(r.Problems);
        Assert.Equal(("/srv/q", 1048576L, 50, TimeSpan.FromSeconds(90), 7), (options.Directory, options.MaxBytes, options.MaxWindows, options.Ttl, options.MaxAttempts));
    }

    [Fact]
    public void Bind_EnabledWithoutStateDirectoryOrDirectory_ProblemNamesDirectory()
    {
        var r = Reader(("Offline:Enabled", "true"));

        OfflineSectionBinder.Bind(r, null);

        Assert.Equal("Offline:Directory", Assert.Single(r.Problems).Key);
    }

    [Fact]
    public void Bind_DisabledWithoutStateDirectory_NoProblem()
    {
        var r = Reader();

        var options = OfflineSectionBinder.Bind(r, null);

        Assert.Empty(r.Problems);
        Assert.False(options.Enabled);
    }

    [Fact]
    public void Bind_BadValues_OneProblemPerKeyWithTheValue()
    {
        var r = Reader(("Offline:Directory", "relative/q"), ("Offline:MaxBytes", "12kB"), ("Offline:MaxWindows", "0"), ("Offline:Ttl", "0s"), ("Offline:MaxAttempts", "5000"));

        OfflineSectionBinder.Bind(r, null);

        var problems = r.Problems.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["Offline:Directory"] = "relative/q",
                ["Offline:MaxBytes"] = "12kB",
                ["Offline:MaxWindows"] = "0",
                ["Offline:Ttl"] = "0s",
                ["Offline:MaxAttempts"] = "5000",
            },
            problems);
    }

    [Fact]
    public void Validate_MaxBytesBelow64KiB_ProblemNamesTheKeyAndValue()
    {
        var problem = Assert.Single(new OfflineOptions { MaxBytes = 1000 }.Validate());

        Assert.Equal(("Offline:MaxBytes", "1000"), (problem.Key, problem.Value));
    }
}
