using System.Diagnostics;
using System.Globalization;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

/// <summary>TLS with a private CA, a broker certificate for "localhost" and a client certificate per node.</summary>
public sealed class MqttClientTlsTests : IDisposable
{
    private readonly TempDirectory pki = new("edgelam-pki-");
    private readonly int tlsPort = MosquittoBroker.FreeTcpPort();
    private readonly MosquittoBroker broker;

    public MqttClientTlsTests()
    {
        OpenSsl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=edgelam-test-ca");
        File.WriteAllText(pki.Combine("san.ext"), "subjectAltName=DNS:localhost\n");
        Issue("broker", "localhost", "san.ext");
        Issue("node1", "node1", null);
        broker = new MosquittoBroker(extraConfiguration: string.Join('\n',
            string.Create(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1"),
            "cafile " + pki.Combine("ca.crt"),
            "certfile " + pki.Combine("broker.crt"),
            "keyfile " + pki.Combine("broker.key"),
            "require_certificate true",
            "use_identity_as_username true"));
    }

    private MqttClientOptions TlsOptions(string host, string id) => TestClients.Options(id, tlsPort, o =>
    {
        o.Host = host;
        o.Tls = new MqttTlsOptions
        {
            CaFile = pki.Combine("ca.crt"),
            CertificateFile = pki.Combine("node1.crt"),
            KeyFile = pki.Combine("node1.key"),
        };
    });

    [Fact]
    public async Task Tls_ClientCertificateAndMatchingHost_RoundTrip()
    {
        await using var sub = MqttClient.Create(TlsOptions("localhost", "tls-sub"));
        await using var pub = MqttClient.Create(TlsOptions("localhost", "tls-pub"));
        await sub.ConnectAsync().WaitAsync(TestClients.Timeout);
        await pub.ConnectAsync().WaitAsync(TestClients.Timeout);
        await sub.SubscribeAsync("edgelam/v1/t/tls").WaitAsync(TestClients.Timeout);
        await pub.PublishAsync(new MqttApplicationMessage("edgelam/v1/t/tls", "secret"u8.ToArray()));
        using var m = await TestClients.ReadAsync(sub);
        Assert.Equal("secret"u8.ToArray(), m.Payload.ToArray());
    }

    [Fact]
    public async Task Tls_HostNotInCertificate_NeverConnects()
    {
        // The broker certificate names only "localhost"; 127.0.0.1 must fail host name verification.
        await using var client = MqttClient.Create(TlsOptions("127.0.0.1", "tls-wronghost"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(0, client.GetStatistics().Connections);
    }

    [Fact]
    public async Task Tls_InsecureSkipHostnameVerification_ConnectsToMismatchedHost()
    {
        var options = TlsOptions("127.0.0.1", "tls-insecure");
        options.Tls!.InsecureSkipHostnameVerification = true;
        await using var client = MqttClient.Create(options);
        await client.ConnectAsync().WaitAsync(TestClients.Timeout);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Tls_WithoutClientCertificate_Refused()
    {
        var options = TlsOptions("localhost", "tls-nocert");
        options.Tls = new MqttTlsOptions { CaFile = pki.Combine("ca.crt") };
        await using var client = MqttClient.Create(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(0, client.GetStatistics().Connections);
    }

    public void Dispose()
    {
        broker.Dispose();
        pki.Dispose();
    }

    private void Issue(string name, string commonName, string? extensions)
    {
        OpenSsl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        string[] sign = ["x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt", "-days", "2"];
        OpenSsl(extensions is null ? sign : [.. sign, "-extfile", extensions]);
    }

    private void OpenSsl(params string[] args)
    {
        var info = new ProcessStartInfo(MosquittoBroker.FindExecutable("openssl"))
        {
            WorkingDirectory = pki.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "openssl " + string.Join(' ', args) + ": " + error.Result);
    }
}
