using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Options;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Tests;

public class EdgeLamSettingsTests
{
    [Fact]
    public void Bind_EmptyConfiguration_UsesBuiltInDefaults()
    {
        var s = Settings.Valid();

        Assert.Null(s.Model.Path);
        Assert.False(s.Metrics.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Shutdown.DrainTimeout);
        Assert.Equal(NodeRole.Auto, s.Node.Role);
        Assert.Equal(LogLevel.Information, s.LogLevels.Default);
    }

    [Theory]
    [InlineData("Model:Path")]
    public void Bind_FileThatDoesNotExist_NamesTheKey(string key)
    {
        var missing = "/nonexistent/edgelam-test/" + key.Replace(':', '-');

        Settings.Bind(Settings.Config((key, missing)), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(missing, problem.Value);
    }

    [Fact]
    public void UnknownSections_ReportsTypos()
    {
        var config = Settings.Config(("Mqqt:Host", "x"), ("Mqtt:Host", "y"), ("Sensors:Bme280:Bus", "1"));

        Assert.Equal(["Mqqt"], EdgeLamSettings.UnknownSections(config));
    }

    [Fact]
    public void Section_BoundByABinder_ReturnedByTypeOthersThrow()
    {
        var s = EdgeLamSettings.Bind(Settings.Config(("Widget:Size", "3")), [new WidgetBinder()], out var problems);

        Assert.Empty(problems);
        Assert.Equal(3, s.Section<Widget>().Size);
        Assert.Throws<KeyNotFoundException>(() => s.Section<string>());
    }

    private sealed record Widget(int Size);

    private sealed class WidgetBinder : IConfigSectionBinder
    {
        public string Section => "Widget";

        public object Bind(ConfigReader reader, EdgeLamSettings settings) => new Widget(reader.Int("Widget:Size", 1, 1, 10));
    }
}
