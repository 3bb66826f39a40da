using System.Text.Json.Nodes;
using EdgeLam.Gateway.Tests.Security;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Security;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Tests;

/// <summary><c>edgelam run</c> configured as docs/security.md says (Mqtt:Tls files) on the shipped mTLS + ACL broker.</summary>
public sealed partial class DaemonNodeTests
{
    [Fact]
    public async Task Run_LastPeerOverShippedMutualTlsBroker_ServesTheThreeNodeSplitWithInProcessTokensNothingRefused()
    {
        var model = SplitModelIdentity.Read(_model.ThreeWay).ToString();
        using var site = new MutualTlsSite(_site,
        [
            new("gw1", SiteNodeRole.Gateway, "gw1", [new SiteStage(model, 0, null)]),
            new("p1", SiteNodeRole.Peer, "gw1", [new SiteStage(model, 0, 1)]),
            new("daemon-node", SiteNodeRole.Peer, "gw1", [new SiteStage(model, 1, null)]),
        ]);
        var tls = site.ClientTls("nodes/daemon-node");
        Config(
            site.Broker.Port,
            new JsonObject { ["Role"] = "peer", ["Segments"] = "2-2" },
            _model.ThreeWay,
            mqtt: new JsonObject
            {
                ["Host"] = "localhost",
                ["Tls"] = new JsonObject { ["CaFile"] = tls.CaFile, ["CertFile"] = tls.CertificateFile, ["KeyFile"] = tls.KeyFile },
            });
        await using var watcher = await StatusWatcher.StartAsync(site.Broker.Port, new TopicScheme(_site).NodeStatus("daemon-node"), site.ClientTls("nodes/gw1"));
        using var daemon = Start();
        _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1");
        watcher.WaitFor(s => s["state"]?.GetValue<string>() == "online" && s["segments"] is not null, Patience, "status online over mTLS", daemon);

        var prompt = _model.Prompt(7, seed: 12);
        const int NewTokens = 6;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using (var p1 = await RoleHost.StartAsync(Role("p1", 1), Connection("p1", site), _model.Runtime, cancellationToken: cts.Token))
        await using (var gw1 = await RoleHost.StartAsync(Role("gw1", 0), Connection("gw1", site), _model.Runtime, cancellationToken: cts.Token))
        {
            var generation = await gw1.Gateway!.GenerateAsync(prompt, NewTokens, cancellationToken: cts.Token);

            Assert.Equal(_model.InProcess(_model.ThreeWay, WireCodec.Raw, prompt, NewTokens), generation.Tokens);
            Assert.All(generation.Steps, s => Assert.Equal(["gw1", "p1", "daemon-node"], s.Stages.Select(t => t.Node)));
        }

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.Contains("u'daemon-node'", File.ReadAllText(site.Broker.LogPath), StringComparison.Ordinal);

        // The ACL grants the daemon everything it does: no publish answered "not authorized", no subscription refused.
        Assert.DoesNotContain("rejected so far", daemon.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("refused by broker", daemon.Stderr, StringComparison.Ordinal);
    }

    private NodeRoleOptions Role(string node, int segment) => new()
    {
        Site = _site,
        Node = node,
        ModelDirectory = _model.ThreeWay,
        FirstSegment = segment,
        LastSegment = segment,
        ContextLimit = MultiNodeFixture.ContextLimit,
        StepTimeout = TimeSpan.FromSeconds(10),
    };

    private static MqttClientOptions Connection(string node, MutualTlsSite site) => TestClients.Options(node, site.Broker.Port, o =>
    {
        o.Host = "localhost";
        o.Tls = site.ClientTls("nodes/" + node);
    });
}
