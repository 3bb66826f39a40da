using System.Diagnostics;
using EdgeLam.Gateway.Security;
using EdgeLam.Testing;
using EdgeLam.Transport.Security;

namespace EdgeLam.Gateway.Tests.Security;

/// <summary>
/// Runs mosquitto from the shipped production example (systemd/mosquitto.conf.example, paths substituted) with
/// certificates from <see cref="SiteCertificates"/> and the ACL from <see cref="BrokerAcl"/>, and checks what the broker
/// lets each client do (with mosquitto_pub/mosquitto_sub as independent clients).
/// </summary>
public sealed class MutualTlsBrokerTests : IDisposable
{
    private const string Site = "site-1";
    private readonly TempDirectory _dir = new("edgelam-mtls-");
    private readonly MosquittoBroker _broker;

    public MutualTlsBrokerTests()
    {
        var now = DateTimeOffset.UtcNow;
        SiteCertificates.CreateCa(_dir.Combine("ca"), "test CA", 30, now);
        SiteCertificates.CreateCa(_dir.Combine("other-ca"), "another CA", 30, now);
        foreach (var node in new[] { "gw1", "p1", "p2" })
        {
            SiteCertificates.IssueNode(_dir.Combine("ca"), node, _dir.Combine("nodes"), 30, now);
        }

        SiteCertificates.IssueNode(_dir.Combine("other-ca"), "p1", _dir.Combine("rogue"), 30, now);
        SiteCertificates.IssueBroker(_dir.Combine("ca"), ["localhost", "127.0.0.1"], _dir.Combine("broker"), 30, now);
        SiteNode[] nodes =
        [
            new("gw1", SiteNodeRole.Gateway, "gw1", [new SiteStage("m", 2, null)]),
            new("p1", SiteNodeRole.Peer, "gw1", [new SiteStage("m", 2, 4)]),
            new("p2", SiteNodeRole.Peer, "gw1", [new SiteStage("m", 4, null)]),
        ];
        File.WriteAllText(_dir.Combine("edgelam.acl"), BrokerAcl.Build(Site, nodes));
        _broker = new MosquittoBroker((port, data, log) => ShippedExample(port, data, log));
    }

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    private string ShippedExample(int port, string data, string log)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "systemd", "mosquitto.conf.example"));
        (string From, string To)[] substitutions =
        [
            ("listener 8883\n", $"listener {port} 127.0.0.1\n"),
            ("/etc/mosquitto/certs/edgelam-ca.crt", _dir.Combine("ca", "ca.crt")),
            ("/etc/mosquitto/certs/broker.crt", _dir.Combine("broker", "broker.crt")),
            ("/etc/mosquitto/certs/broker.key", _dir.Combine("broker", "broker.key")),
            ("/etc/mosquitto/edgelam.acl", _dir.Combine("edgelam.acl")),
            ("/var/lib/mosquitto/", data.TrimEnd('/') + "/"),
            ("log_dest syslog", "log_dest file " + log),
        ];
        foreach (var (from, to) in substitutions)
        {
            Assert.True(text.Contains(from, StringComparison.Ordinal), $"the shipped example no longer has '{from}'");
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        // Started as root, mosquitto would switch to the "mosquitto" user and could not read the temp folder.
        return text + $"\nuser {Environment.UserName}\n";
    }

    private (int ExitCode, string Output) Client(string tool, string? identity, string caDir, params string[] args)
    {
        var info = new ProcessStartInfo(MosquittoBroker.FindExecutable(tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-h", "localhost", "-p", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv5", "--cafile", _dir.Combine(caDir, "ca.crt")])
        {
            info.ArgumentList.Add(a);
        }

        if (identity is not null)
        {
            info.ArgumentList.Add("--cert");
            info.ArgumentList.Add(_dir.Combine(identity + ".crt"));
            info.ArgumentList.Add("--key");
            info.ArgumentList.Add(_dir.Combine(identity + ".key"));
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
    public async Task LastStage_PublishesItsGatewaysResults_Delivered()
    {
        var topic = $"edgelam/v1/{Site}/results/gw1";
        var received = Subscribe("nodes/gw1", topic);
        await Task.Delay(500);

        var (code, output) = Client("mosquitto_pub", "nodes/p2", "ca", "-q", "1", "-t", topic, "-m", "result-1");

        Assert.True(code == 0, output);
        Assert.DoesNotContain("Not authorized", output, StringComparison.Ordinal);
        Assert.Equal("result-1", (await received).Output.Trim());
    }

    [Theory]
    [InlineData("nodes/gw1/status")] // another node's own topic
    [InlineData("act/m/2")] // a stage p1 does not feed (the gateway feeds it)
    [InlineData("results/gw1")] // only the last stage answers the gateway
    [InlineData("plan")] // only the gateway plans
    public async Task Peer_PublishesForeignTopic_RefusedNotAuthorizedAndNeverDelivered(string suffix)
    {
        var topic = $"edgelam/v1/{Site}/{suffix}";
        var received = Subscribe("nodes/gw1", $"edgelam/v1/{Site}/#");
        await Task.Delay(500);

        var (_, output) = Client("mosquitto_pub", "nodes/p1", "ca", "-q", "1", "-t", topic, "-m", "forged", "-d");

        // MQTT 5: the broker answers the QoS 1 publish with PUBACK reason 135 (not authorized).
        Assert.Contains("RC:135", output, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", (await received).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rogue/p1")]
    public void Client_WithoutCertificateOrFromAnotherCa_CannotConnect(string? identity)
    {
        var (code, output) = Client("mosquitto_pub", identity, "ca", "-q", "1", "-t", $"edgelam/v1/{Site}/nodes/p1/status", "-m", "x");

        Assert.True(code != 0, output);
    }
}
