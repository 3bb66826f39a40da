using System.Diagnostics;
using EdgeLam.Gateway.Security;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Security;

/// <summary>The site certificates checked by OpenSSL, not by the code that made them.</summary>
public sealed class SiteCertificatesTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgelam-certs-");
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public void Dispose() => _dir.Dispose();

    private static string OpenSsl(params string[] args)
    {
        var info = new ProcessStartInfo(MosquittoBroker.FindExecutable("openssl")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "openssl " + string.Join(' ', args) + ": " + output);
        return output;
    }

    [Fact]
    public void IssueNodeAndBroker_VerifiedByOpenSslAgainstTheCa()
    {
        var ca = SiteCertificates.CreateCa(_dir.Combine("ca"), "Site CA", 100, _now);
        var node = SiteCertificates.IssueNode(_dir.Combine("ca"), "p1", _dir.Combine("out"), 30, _now);
        var broker = SiteCertificates.IssueBroker(_dir.Combine("ca"), ["mqtt.site", "10.0.0.5"], _dir.Combine("out"), 30, _now);

        Assert.Contains(": OK", OpenSsl("verify", "-CAfile", ca, "-purpose", "sslclient", node), StringComparison.Ordinal);
        Assert.Contains(": OK", OpenSsl("verify", "-CAfile", ca, "-purpose", "sslserver", broker), StringComparison.Ordinal);
        Assert.Contains("CN = p1", OpenSsl("x509", "-in", node, "-noout", "-subject"), StringComparison.Ordinal);
        var sans = OpenSsl("x509", "-in", broker, "-noout", "-ext", "subjectAltName");
        Assert.Contains("DNS:mqtt.site", sans, StringComparison.Ordinal);
        Assert.Contains("IP Address:10.0.0.5", sans, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void IssueNode_KeyIsOwnerOnlyAndMatchesTheCertificate()
    {
        SiteCertificates.CreateCa(_dir.Combine("ca"), "Site CA", 100, _now);
        var node = SiteCertificates.IssueNode(_dir.Combine("ca"), "gw1", _dir.Combine("out"), 30, _now);
        var key = _dir.Combine("out", "gw1.key");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine("ca", "ca.key")));
        Assert.Equal(OpenSsl("x509", "-in", node, "-noout", "-pubkey"), OpenSsl("pkey", "-in", key, "-pubout"));
    }

    [Fact]
    public void Show_NodeCertificate_PrintsSubjectIssuerDaysLeftAndKeyMatch()
    {
        SiteCertificates.CreateCa(_dir.Combine("ca"), "Site CA", 100, _now);
        var node = SiteCertificates.IssueNode(_dir.Combine("ca"), "gw1", _dir.Combine("out"), 30, _now);

        var text = string.Join('\n', CertificateReport.Describe(node, _now));

        Assert.Contains("subject:   CN=gw1", text, StringComparison.Ordinal);
        Assert.Contains("issuer:    CN=Site CA", text, StringComparison.Ordinal);
        Assert.Contains("(29 days left)", text, StringComparison.Ordinal);
        Assert.Contains("(matches)", text, StringComparison.Ordinal);
    }
}
