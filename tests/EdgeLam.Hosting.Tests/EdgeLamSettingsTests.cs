using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Options;
using EdgeLam.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Tests;

public class EdgeLamSettingsTests
{
    [Fact]
    public void Bind_EmptyConfiguration_UsesBuiltInDefaults()
    {
        var s = Settings.Valid();

        Assert.Equal("localhost", s.Mqtt.Host);
        Assert.Equal(1883, s.Mqtt.Port);
        Assert.False(s.Mqtt.Tls.Enabled);
        Assert.Null(s.Model.Path);
        Assert.False(s.Metrics.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Shutdown.DrainTimeout);
        Assert.Equal(NodeRole.Auto, s.Node.Role);
        Assert.Equal("edgelam-" + s.Node.Name, s.Mqtt.ClientId);
        Assert.Equal(LogLevel.Information, s.LogLevels.Default);
    }

    [Fact]
    public void Bind_TlsCaFileGiven_DefaultsToPort8883()
    {
        using var dir = new TempDirectory();
        var (ca, _) = TestCertificates.WriteValid(dir.Path, "ca");

        var s = Settings.Valid(("Mqtt:Tls:CaFile", ca));

        Assert.True(s.Mqtt.Tls.Enabled);
        Assert.Equal(8883, s.Mqtt.Port);
    }

    [Theory]
    [InlineData("Model:Path")]
    [InlineData("Mqtt:Tls:CaFile")]
    [InlineData("Mqtt:PasswordFile")]
    public void Bind_FileThatDoesNotExist_NamesTheKey(string key)
    {
        var missing = "/nonexistent/edgelam-test/" + key.Replace(':', '-');

        Settings.Bind(Settings.Config((key, missing), ("Mqtt:Username", "u")), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(missing, problem.Value);
    }

    [Fact]
    public void Bind_SeveralBadValues_ReportsEachOnce()
    {
        Settings.Bind(
            Settings.Config(("Mqtt:Port", "-1"), ("Mqtt:Keepalive", "1"), ("Metrics:Port", "99999"), ("Shutdown:DrainTimeout", "5m"), ("Node:Role", "boss"), ("Logging:LogLevel:Default", "Loud")),
            out var problems);

        Assert.Equal(
            ["Logging:LogLevel:Default", "Metrics:Port", "Mqtt:Keepalive", "Mqtt:Port", "Node:Role", "Shutdown:DrainTimeout"],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bind_PasswordAndPasswordFile_AreMutuallyExclusiveAndPasswordIsHidden()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("pw");
        File.WriteAllText(file, "secret\n");

        Settings.Bind(Settings.Config(("Mqtt:Username", "n1"), ("Mqtt:Password", "hunter2"), ("Mqtt:PasswordFile", file)), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal("Mqtt:Password", problem.Key);
        Assert.DoesNotContain("hunter2", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_CertWithoutKey_IsAProblem()
    {
        using var dir = new TempDirectory();
        var (cert, _) = TestCertificates.WriteValid(dir.Path, "c");

        Settings.Bind(Settings.Config(("Mqtt:Tls:CertFile", cert)), out var problems);

        Assert.Equal("Mqtt:Tls:KeyFile", Assert.Single(problems).Key);
    }

    [Fact]
    public void ResolvePassword_ReadsFirstLineOfPasswordFile()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("pw");
        File.WriteAllText(file, "s3cret\r\nignored\n");

        var s = Settings.Valid(("Mqtt:Username", "n1"), ("Mqtt:PasswordFile", file));

        Assert.Equal("s3cret", s.Mqtt.ResolvePassword());
    }

    [Fact]
    public void UnknownSections_ReportsTypos()
    {
        var config = Settings.Config(("Mqqt:Host", "x"), ("Mqtt:Host", "y"), ("Sensors:Bme280:Bus", "1"));

        Assert.Equal(["Mqqt"], EdgeLamSettings.UnknownSections(config));
    }

    [Theory]
    [InlineData("Mqtt:Tls:Version", "sslv3")]
    [InlineData("Mqtt:Tls:CaDirectory", "/nonexistent/edgelam-test/certs")]
    [InlineData("Mqtt:SessionExpiry", "90d")]
    [InlineData("Mqtt:MaxInflightMessages", "0")]
    public void Bind_MqttSessionAndTlsKeys_BoundOnceWithTheKey(string key, string value)
    {
        Settings.Bind(Settings.Config((key, value)), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(value, problem.Value);
    }

    [Fact]
    public void Bind_MqttSessionKeys_InTheBoundOptions()
    {
        var s = Settings.Valid(("Mqtt:CleanStart", "true"), ("Mqtt:SessionExpiry", "10m"), ("Mqtt:MaxInflightMessages", "8"), ("Mqtt:ReconnectDelayMax", "2s"));

        Assert.True(s.Mqtt.CleanStart);
        Assert.Equal(TimeSpan.FromMinutes(10), s.Mqtt.SessionExpiry);
        Assert.Equal(8, s.Mqtt.MaxInflightMessages);
        Assert.Equal(TimeSpan.FromSeconds(2), s.Mqtt.ReconnectDelayMax);
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
