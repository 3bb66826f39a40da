using EdgeLam.Gateway.Security;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Security;

namespace EdgeLam.Gateway.Tests.Security;

/// <summary>
/// One site secured as docs/security.md says: a site CA (<see cref="SiteCertificates"/>), a certificate per node of the
/// node list (<c>nodes/{id}.crt</c>), a broker certificate for <c>localhost</c>, the ACL from <see cref="BrokerAcl"/>,
/// and mosquitto running the shipped production example (systemd/mosquitto.conf.example, paths substituted). For the
/// refusals it also holds, per node, a certificate of the same CN from another CA (<c>rogue/{id}.crt</c>) and one of the
/// site CA that has expired (<c>expired/{id}.crt</c>).
/// </summary>
internal sealed class MutualTlsSite : IDisposable
{
    private readonly TempDirectory _dir = new("edgelam-mtls-");

    public MutualTlsSite(string site, IReadOnlyList<SiteNode> nodes)
    {
        // The CA starts in the past so that the site CA can also issue a certificate that has already expired.
        var now = DateTimeOffset.UtcNow;
        var past = now.AddDays(-100);
        SiteCertificates.CreateCa(Combine("ca"), "test CA", 3650, past);
        SiteCertificates.CreateCa(Combine("other-ca"), "another CA", 30, now);
        foreach (var node in nodes)
        {
            SiteCertificates.IssueNode(Combine("ca"), node.Id, Combine("nodes"), 30, now);
            SiteCertificates.IssueNode(Combine("other-ca"), node.Id, Combine("rogue"), 30, now);
            SiteCertificates.IssueNode(Combine("ca"), node.Id, Combine("expired"), 30, past);
        }

        SiteCertificates.IssueBroker(Combine("ca"), ["localhost", "127.0.0.1"], Combine("broker"), 30, now);
        File.WriteAllText(Combine("edgelam.acl"), BrokerAcl.Build(site, nodes));
        Broker = new MosquittoBroker(ShippedExample);
    }

    public MosquittoBroker Broker { get; }

    public string Combine(params string[] parts) => _dir.Combine(parts);

    /// <summary>
    /// A node's client TLS options as docs/security.md configures them: the site CA, and the certificate and key of
    /// <paramref name="identity"/> (<c>nodes/gw1</c>, <c>rogue/p1</c>, …; null: none).
    /// </summary>
    public MqttTlsOptions ClientTls(string? identity) => new()
    {
        CaFile = Combine("ca", "ca.crt"),
        CertificateFile = identity is null ? null : Combine(identity + ".crt"),
        KeyFile = identity is null ? null : Combine(identity + ".key"),
    };

    public void Dispose()
    {
        Broker.Dispose();
        _dir.Dispose();
    }

    private string ShippedExample(int port, string data, string log)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "systemd", "mosquitto.conf.example"));
        (string From, string To)[] substitutions =
        [
            ("listener 8883\n", $"listener {port} 127.0.0.1\n"),
            ("/etc/mosquitto/certs/edgelam-ca.crt", Combine("ca", "ca.crt")),
            ("/etc/mosquitto/certs/broker.crt", Combine("broker", "broker.crt")),
            ("/etc/mosquitto/certs/broker.key", Combine("broker", "broker.key")),
            ("/etc/mosquitto/edgelam.acl", Combine("edgelam.acl")),
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
}
