using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary><c>edgelam doctor</c> (the JIT build) on a node whose configured TLS certificates expire soon or have expired.</summary>
public sealed class DoctorCertificateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs doctor with the site CA (400 days) and a node certificate valid until now + <paramref name="days"/>.</summary>
    private (EdgeLamProcess.Result Result, string Cert) Doctor(double days, params string[] options)
    {
        var now = DateTimeOffset.UtcNow;
        var (ca, _) = TestCertificates.Write(_dir.Path, "ca", now.AddDays(-400), now.AddDays(400));
        var (cert, key) = TestCertificates.Write(_dir.Path, "gw1", now.AddDays(-400), now.AddDays(days));
        var config = _dir.Combine("edgelam.json");
        File.WriteAllText(config, $$"""{ "Mqtt": { "Host": "127.0.0.1", "Port": 9, "Tls": { "CaFile": "{{ca}}", "CertFile": "{{cert}}", "KeyFile": "{{key}}" } } }""");
        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["doctor", "--config", config, "--broker-timeout", "1", "--dev", _dir.Combine("dev"), .. options]);
        return (result, cert);
    }

    [Fact]
    public void Doctor_NodeCertificateExpiringIn10Days_WarnsWithFixUnlessTheWarningTimeIsShorter()
    {
        var (result, cert) = Doctor(10.5);

        Assert.Contains($"warn certificate: Mqtt:Tls:CertFile {cert}: 'CN=gw1' expires ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("in 10 days (warning within 30 days)\n     fix: issue a new node certificate", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ok   certificate: Mqtt:Tls:CaFile ", result.StandardOutput, StringComparison.Ordinal);

        (result, cert) = Doctor(10.5, "--cert-warn-days", "7");

        Assert.Contains($"ok   certificate: Mqtt:Tls:CertFile {cert}: 'CN=gw1' valid until ", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("warn certificate", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Doctor_NodeCertificateExpired_FailsNamingTheFile()
    {
        var (result, cert) = Doctor(-2);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"FAIL certificate: Mqtt:Tls:CertFile {cert}: 'CN=gw1' expired ", result.StandardOutput, StringComparison.Ordinal);
    }
}
