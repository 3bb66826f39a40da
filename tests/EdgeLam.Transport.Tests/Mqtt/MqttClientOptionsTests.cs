using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

public sealed class MqttClientOptionsTests
{
    private static MqttClientOptions Valid() => new() { ClientId = "node-1" };

    [Fact]
    public void Validate_Defaults_WithClientId_NoErrors()
    {
        Assert.Empty(Valid().Validate());
    }

    [Theory]
    [InlineData("port")]
    [InlineData("clientid")]
    [InlineData("keepalive")]
    [InlineData("inflight")]
    [InlineData("queue")]
    [InlineData("password")]
    [InlineData("tls-ca")]
    [InlineData("tls-pair")]
    [InlineData("will")]
    [InlineData("backoff")]
    public void Validate_BrokenSetting_ReportsIt(string broken)
    {
        var o = Valid();
        switch (broken)
        {
            case "port": o.Port = 0; break;
            case "clientid": o.ClientId = "a/b"; break;
            case "keepalive": o.KeepAlive = TimeSpan.FromSeconds(2); break;
            case "inflight": o.MaxInflightMessages = 0; break;
            case "queue": o.OutgoingQueueCapacity = 0; break;
            case "password": o.Password = "secret"; break;
            case "tls-ca": o.Tls = new MqttTlsOptions(); break;
            case "tls-pair": o.Tls = new MqttTlsOptions { CaDirectory = "/etc/ssl/certs", CertificateFile = "/etc/hostname" }; break;
            case "will": o.LastWill = new MqttLastWill { Topic = "a/#" }; break;
            case "backoff": o.ReconnectDelayMax = TimeSpan.FromMilliseconds(1); break;
        }

        Assert.Single(o.Validate());
        Assert.Throws<MqttOptionsException>(o.ThrowIfInvalid);
    }

    [Fact]
    public void Validate_PersistentSessionWithoutClientId_Reported()
    {
        var o = new MqttClientOptions { CleanStart = false };
        Assert.Contains(o.Validate(), e => e.Key == "Mqtt:ClientId");
        o.CleanStart = true;
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Validate_MissingTlsFile_Reported()
    {
        var o = Valid();
        o.Tls = new MqttTlsOptions { CaFile = "/nonexistent/ca.pem" };
        Assert.Contains(o.Validate(), e => e.Value == "/nonexistent/ca.pem");
    }
}

public sealed class MqttClientOptionsValidationTests
{
    [Fact]
    public void Validate_InvalidOptions_FailsWithEveryMessage()
    {
        var problems = new MqttClientOptions { Port = 70000, ClientId = "x", MaxInflightMessages = 0 }.Validate();
        Assert.NotEmpty(problems);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        Assert.Empty(new MqttClientOptions { ClientId = "gw1" }.Validate());
    }
}
