using System.Diagnostics;
using EdgeLam.Testing;
using EdgeLam.Transport.Security;

namespace EdgeLam.Gateway.Tests.Security;

/// <summary>
/// Runs mosquitto from the shipped production example (<see cref="MutualTlsSite"/>: systemd/mosquitto.conf.example with
/// certificates from <c>SiteCertificates</c> and the ACL from <c>BrokerAcl</c>) and checks what the broker lets each
/// client do (with mosquitto_pub/mosquitto_sub as independent clients).
/// </summary>
public sealed class MutualTlsBrokerTests : IDisposable
{
    private const string Site = "site-1";
    private readonly MutualTlsSite _site = new(Site,
    [
        new("gw1", SiteNodeRole.Gateway, "gw1", [new SiteStage("m", 2, null)]),
        new("p1", SiteNodeRole.Peer, "gw1", [new SiteStage("m", 2, 4)]),
        new("p2", SiteNodeRole.Peer, "gw1", [new SiteStage("m", 4, null)]),
    ]);

    public void Dispose() => _site.Dispose();

    private (int ExitCode, string Output) Client(string tool, string? identity, string caDir, params string[] args)
    {
        var info = new ProcessStartInfo(MosquittoBroker.FindExecutable(tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-h", "localhost", "-p", _site.Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv5", "--cafile", _site.Combine(caDir, "ca.crt")])
        {
            info.ArgumentList.Add(a);
        }

        if (identity is not null)
        {
            info.ArgumentList.Add("--cert");
            info.ArgumentList.Add(_site.Combine(identity + ".crt"));
            info.ArgumentList.Add("--key");
            info.ArgumentList.Add(_site.Combine(identity + ".key"));
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(15_000), tool + " did not finish");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private Task<(int ExitCode, string Output)> Subscribe(string identity, string topic) =>
        Task.Run(() => Client("mosquitto_sub", identity, "ca", "-t", topic, "-C", "1", "-W", "5"));

    [Fact]
    public async Task Gateway_PublishesItsResults_Delivered()
    {
        var topic = $"edgelam/v1/{Site}/results/gw1";
        var received = Subscribe("nodes/gw1", topic);
        await Task.Delay(500);

        var (code, output) = Client("mosquitto_pub", "nodes/gw1", "ca", "-q", "1", "-t", topic, "-m", "result-1");

        Assert.True(code == 0, output);
        Assert.DoesNotContain("Not authorized", output, StringComparison.Ordinal);
        Assert.Equal("result-1", (await received).Output.Trim());
    }

    [Theory]
    [InlineData("p1", "nodes/gw1/status")] // another node's own topic
    [InlineData("p1", "act/m/2")] // a stage p1 does not feed (the gateway feeds it)
    [InlineData("p1", "results/gw1")] // only the gateway publishes its results
    [InlineData("p2", "results/gw1")] // the last stage too only replies to its gateway
    [InlineData("p1", "plan")] // only the gateway plans
    public async Task Peer_PublishesForeignTopic_RefusedNotAuthorizedAndNeverDelivered(string peer, string suffix)
    {
        var topic = $"edgelam/v1/{Site}/{suffix}";
        var received = Subscribe("nodes/gw1", $"edgelam/v1/{Site}/#");
        await Task.Delay(500);

        var (_, output) = Client("mosquitto_pub", "nodes/" + peer, "ca", "-q", "1", "-t", topic, "-m", "forged", "-d");

        // MQTT 5: the broker answers the QoS 1 publish with PUBACK reason 135 (not authorized).
        Assert.Contains("RC:135", output, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", (await received).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rogue/p1")]
    [InlineData("expired/p1")]
    public void Client_WithoutValidCertificate_CannotConnect(string? identity)
    {
        var (code, output) = Client("mosquitto_pub", identity, "ca", "-q", "1", "-t", $"edgelam/v1/{Site}/nodes/p1/status", "-m", "x");

        Assert.True(code != 0, output);
    }
}
