using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Tests;

/// <summary>Section <c>Mqtt</c> bound once into <see cref="MqttClientOptions"/> with the daemon's other sections.</summary>
public sealed class MqttSectionBinderTests
{
    [Fact]
    public void Bind_EmptyConfiguration_UsesBuiltInDefaults()
    {
        var s = DaemonSettings.Valid();
        var mqtt = s.Section<MqttClientOptions>();

        Assert.Equal("localhost", mqtt.Host);
        Assert.Equal(1883, mqtt.Port);
        Assert.Null(mqtt.Tls);
        Assert.Equal("edgelam-" + s.Node.Name, mqtt.ClientId);
    }

    [Fact]
    public void Bind_TlsCaFileGiven_DefaultsToPort8883()
    {
        using var dir = new TempDirectory();
        var (ca, _) = TestCertificates.WriteValid(dir.Path, "ca");

        var mqtt = DaemonSettings.Valid(("Mqtt:Tls:CaFile", ca)).Section<MqttClientOptions>();

        Assert.NotNull(mqtt.Tls);
        Assert.Equal(8883, mqtt.Port);
    }

    [Theory]
    [InlineData("Mqtt:Tls:CaFile")]
    [InlineData("Mqtt:PasswordFile")]
    public void Bind_FileThatDoesNotExist_NamesTheKey(string key)
    {
        var missing = "/nonexistent/edgelam-test/" + key.Replace(':', '-');

        DaemonSettings.Bind(DaemonSettings.Config((key, missing), ("Mqtt:Username", "u")), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(missing, problem.Value);
    }

    [Fact]
    public void Bind_SeveralBadValues_ReportsEachOnce()
    {
        DaemonSettings.Bind(
            DaemonSettings.Config(("Mqtt:Port", "-1"), ("Mqtt:Keepalive", "1"), ("Metrics:Port", "99999"), ("Shutdown:DrainTimeout", "5m"), ("Node:Role", "boss"), ("Logging:LogLevel:Default", "Loud")),
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

        DaemonSettings.Bind(DaemonSettings.Config(("Mqtt:Username", "n1"), ("Mqtt:Password", "hunter2"), ("Mqtt:PasswordFile", file)), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal("Mqtt:Password", problem.Key);
        Assert.DoesNotContain("hunter2", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_CertWithoutKey_IsAProblem()
    {
        using var dir = new TempDirectory();
        var (cert, _) = TestCertificates.WriteValid(dir.Path, "c");

        DaemonSettings.Bind(DaemonSettings.Config(("Mqtt:Tls:CertFile", cert)), out var problems);

        Assert.Equal("Mqtt:Tls:KeyFile", Assert.Single(problems).Key);
    }

    [Fact]
    public void ResolvePassword_ReadsFirstLineOfPasswordFile()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("pw");
        File.WriteAllText(file, "s3cret\r\nignored\n");

        var mqtt = DaemonSettings.Valid(("Mqtt:Username", "n1"), ("Mqtt:PasswordFile", file)).Section<MqttClientOptions>();

        Assert.Equal("s3cret", mqtt.ResolvePassword());
    }

    [Theory]
    [InlineData("Mqtt:Tls:Version", "sslv3")]
    [InlineData("Mqtt:Tls:CaDirectory", "/nonexistent/edgelam-test/certs")]
    [InlineData("Mqtt:SessionExpiry", "90d")]
    [InlineData("Mqtt:MaxInflightMessages", "0")]
    public void Bind_MqttSessionAndTlsKeys_BoundOnceWithTheKey(string key, string value)
    {
        DaemonSettings.Bind(DaemonSettings.Config((key, value)), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(value, problem.Value);
    }

    [Fact]
    public void Bind_MqttSessionKeys_InTheBoundOptions()
    {
        var mqtt = DaemonSettings.Valid(("Mqtt:CleanStart", "true"), ("Mqtt:SessionExpiry", "10m"), ("Mqtt:MaxInflightMessages", "8"), ("Mqtt:ReconnectDelayMax", "2s")).Section<MqttClientOptions>();

        Assert.True(mqtt.CleanStart);
        Assert.Equal(TimeSpan.FromMinutes(10), mqtt.SessionExpiry);
        Assert.Equal(8, mqtt.MaxInflightMessages);
        Assert.Equal(TimeSpan.FromSeconds(2), mqtt.ReconnectDelayMax);
    }
}
