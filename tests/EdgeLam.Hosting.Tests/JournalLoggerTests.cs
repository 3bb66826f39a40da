using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Tests;

public class JournalLoggerTests
{
    [Theory]
    [InlineData(LogLevel.Critical, 2)]
    [InlineData(LogLevel.Error, 3)]
    [InlineData(LogLevel.Warning, 4)]
    [InlineData(LogLevel.Information, 6)]
    [InlineData(LogLevel.Debug, 7)]
    public void Priority_MatchesSyslogSeverities(LogLevel level, int priority) =>
        Assert.Equal(priority, JournalLoggerProvider.Priority(level));

    [Fact]
    public void Log_JournalMode_PrefixesEveryLineWithPriority()
    {
        var output = new StringWriter();
        var provider = new JournalLoggerProvider(new SettingsStore(Settings.Valid()), journal: true, output);
        var logger = provider.CreateLogger("EdgeLam.Test");

        logger.Log(LogLevel.Warning, new EventId(1234), "first\nsecond", null, (s, _) => s);

        Assert.Equal("<4>EdgeLam.Test[1234]: first\n<4>EdgeLam.Test[1234]: second\n", output.ToString());
    }

    [Fact]
    public void Log_LevelsFollowRulesAndReload()
    {
        var output = new StringWriter();
        var store = new SettingsStore(Settings.Valid(("Logging:LogLevel:Default", "Warning"), ("Logging:LogLevel:EdgeLam.Transport", "Debug")));
        var provider = new JournalLoggerProvider(store, journal: true, output);
        var transport = provider.CreateLogger("EdgeLam.Transport.Mqtt");
        var other = provider.CreateLogger("EdgeLam.Sensors");

        Assert.True(transport.IsEnabled(LogLevel.Debug));
        Assert.False(other.IsEnabled(LogLevel.Information));

        store.Replace(Settings.Valid(("Logging:LogLevel:Default", "Debug")));

        Assert.True(other.IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void For_LongestPrefixOnSegmentBoundaryWins()
    {
        var rules = new LogLevelRules(LogLevel.Information, [new("EdgeLam", LogLevel.Warning), new("EdgeLam.Transport", LogLevel.Trace)]);

        Assert.Equal(LogLevel.Trace, rules.For("EdgeLam.Transport.Client"));
        Assert.Equal(LogLevel.Warning, rules.For("EdgeLam.TransportX"));
        Assert.Equal(LogLevel.Information, rules.For("Microsoft.Hosting"));
    }
}
