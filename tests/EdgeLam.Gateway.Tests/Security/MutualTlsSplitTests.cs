using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Security;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Tests.Security;

/// <summary>
/// EdgeLam's own TLS client (libmosquitto through <see cref="MqttClient"/>) against the broker of the shipped production
/// example (<see cref="MutualTlsSite"/>: mTLS, <c>use_identity_as_username</c>, the generated ACL): a gateway and two
/// peers, each with its node certificate, split the 3-way model as they do on a plain broker; a node without a valid
/// certificate never gets on.
/// </summary>
[Collection(nameof(MultiNodeCollection))]
public sealed class MutualTlsSplitTests(MultiNodeFixture fixture)
{
    private const int NewTokens = 12;
    private const string Site = "site-1";

    /// <summary>gw1 runs segment 0 and feeds boundary 0, p1 runs segment 1 (0 → 1), p2 the last segment 2.</summary>
    private SiteNode[] Nodes()
    {
        var model = SplitModelIdentity.Read(fixture.ThreeWay).ToString();
        return
        [
            new("gw1", SiteNodeRole.Gateway, "gw1", [new SiteStage(model, 0, null)]),
            new("p1", SiteNodeRole.Peer, "gw1", [new SiteStage(model, 0, 1)]),
            new("p2", SiteNodeRole.Peer, "gw1", [new SiteStage(model, 1, null)]),
        ];
    }

    private static NodeRoleOptions Role(string node, int segment, string modelDirectory) => new()
    {
        Site = Site,
        Node = node,
        ModelDirectory = modelDirectory,
        FirstSegment = segment,
        LastSegment = segment,
        Codec = WireCodec.Int8Block32,
        ContextLimit = MultiNodeFixture.ContextLimit,
        StepTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The node's connection: the broker's name in its certificate, and the given TLS files (null: plain).</summary>
    private static MqttClientOptions Connection(string node, int port, MqttTlsOptions? tls) => TestClients.Options(node, port, o =>
    {
        o.Host = tls is null ? "127.0.0.1" : "localhost";
        o.Tls = tls;
    });

    /// <summary>Starts p1, p2 and gw1 on one broker and generates every prompt through the gateway.</summary>
    private async Task<List<IReadOnlyList<long>>> SplitAsync(int port, Func<string, MqttTlsOptions?> tls, IEnumerable<long[]> prompts, CancellationToken cancellationToken)
    {
        using var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var p1 = await RoleHost.StartAsync(Role("p1", 1, fixture.ThreeWay), Connection("p1", port, tls("p1")), fixture.Runtime, loggers, cancellationToken);
        await using var p2 = await RoleHost.StartAsync(Role("p2", 2, fixture.ThreeWay), Connection("p2", port, tls("p2")), fixture.Runtime, loggers, cancellationToken);
        await using var gw1 = await RoleHost.StartAsync(Role("gw1", 0, fixture.ThreeWay), Connection("gw1", port, tls("gw1")), fixture.Runtime, loggers, cancellationToken);
        var tokens = new List<IReadOnlyList<long>>();
        foreach (var prompt in prompts)
        {
            var generation = await gw1.Gateway!.GenerateAsync(prompt, NewTokens, cancellationToken: cancellationToken);
            Assert.All(generation.Steps, s => Assert.Equal(["gw1", "p1", "p2"], s.Stages.Select(t => t.Node)));
            tokens.Add(generation.Tokens);
        }

        Assert.Equal(0, p1.Peer!.Rejected);
        Assert.Equal(0, p2.Peer!.Rejected);

        // Nothing the nodes did was refused (a publish: event 5006 or 5012, a subscription: 5011).
        Assert.DoesNotContain(logs.Entries, e => e.EventId is 5006 or 5011 or 5012);
        return tokens;
    }

    [Fact]
    public async Task ThreeNodeSplit_OverShippedMutualTlsBroker_SameTokensAsPlainBrokerAndInProcess()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var site = new MutualTlsSite(Site, Nodes());
        using var plain = new MosquittoBroker();
        long[][] prompts = [.. new[] { 4, 5, 6 }.Select(seed => fixture.Prompt(3 + seed, seed))];

        var overPlain = await SplitAsync(plain.Port, _ => null, prompts, cts.Token);
        var overTls = await SplitAsync(site.Broker.Port, node => site.ClientTls("nodes/" + node), prompts, cts.Token);

        Assert.Equal(prompts.Select(p => fixture.InProcess(fixture.ThreeWay, WireCodec.Int8Block32, p, NewTokens)), overPlain);
        Assert.Equal(overPlain, overTls);

        // The broker saw each node under its certificate's CN (the ACL's user), not as an anonymous client.
        var log = File.ReadAllText(site.Broker.LogPath);
        Assert.All(["gw1", "p1", "p2"], node => Assert.Contains($"u'{node}'", log, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Peer_PublishesAnotherNodesStatus_BrokerRefusalCountedAndLoggedOwnStatusAcknowledged()
    {
        using var site = new MutualTlsSite(Site, Nodes());
        using var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var topics = new TopicScheme(Site);
        await using var p1 = MqttClient.Create(Connection("p1", site.Broker.Port, site.ClientTls("nodes/p1")), loggers.CreateLogger<MqttClient>());
        await p1.ConnectAsync(cts.Token);

        await p1.PublishAsync(new MqttApplicationMessage(topics.NodeStatus("gw1"), "{}"u8.ToArray()), cts.Token);
        await p1.PublishAsync(new MqttApplicationMessage(topics.NodeStatus("p1"), "{}"u8.ToArray()), cts.Token);
        await p1.FlushAsync(cts.Token);

        var statistics = p1.GetStatistics();
        Assert.Equal((1, 1), (statistics.RejectedOutgoing, statistics.Acknowledged));
        var refused = Assert.Single(logs.Entries, e => e.EventId == 5012);
        Assert.Contains($"'{topics.NodeStatus("gw1")}' refused by broker: reason 135", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)] // the site CA to check the broker, but no client certificate
    [InlineData("rogue/p1")] // p1's name, certified by another CA
    [InlineData("expired/p1")] // the site CA's certificate for p1, expired
    public async Task Peer_WithoutValidCertificate_CannotConnectNeverServes(string? identity)
    {
        using var site = new MutualTlsSite(Site, Nodes());
        using var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(8));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RoleHost.StartAsync(Role("p1", 1, fixture.ThreeWay), Connection("p1", site.Broker.Port, site.ClientTls(identity)), fixture.Runtime, loggers, patience.Token));

        // The client tried (each attempt failed during the TLS handshake and was logged) and never got a session.
        var failures = logs.Entries.Where(e => e.EventId == 5004).ToList();
        Assert.True(failures.Count > 0, "no failed connect logged; log: " + string.Join('\n', logs.Entries.Select(e => e.Message)));
        Assert.All(failures, f => Assert.Contains("localhost:" + site.Broker.Port, f.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("u'p1'", File.ReadAllText(site.Broker.LogPath), StringComparison.Ordinal);
    }
}
