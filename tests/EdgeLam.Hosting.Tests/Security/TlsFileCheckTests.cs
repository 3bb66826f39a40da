using EdgeLam.Hosting.Security;
using EdgeLam.Testing;

namespace EdgeLam.Hosting.Tests.Security;

public sealed class TlsFileCheckTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void Check_ValidCaCertAndMatchingKey_NoProblems()
    {
        using var dir = new TempDirectory();
        var (ca, _) = TestCertificates.WriteValid(dir.Path, "ca");
        var (cert, key) = TestCertificates.WriteValid(dir.Path, "node1");

        Assert.Empty(TlsFileCheck.Check(ca, cert, key, Now));
    }

    [Fact]
    public void Check_ExpiredCertificate_NamesTheCertFile()
    {
        using var dir = new TempDirectory();
        var (cert, key) = TestCertificates.Write(dir.Path, "old", Now.AddDays(-30), Now.AddDays(-1));

        var problem = Assert.Single(TlsFileCheck.Check(null, cert, key, Now));

        Assert.Equal("Mqtt:Tls:CertFile", problem.Key);
        Assert.Equal(cert, problem.Value);
        Assert.Contains("expired", problem.Allowed, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NotYetValidCa_NamesTheCaFile()
    {
        using var dir = new TempDirectory();
        var (ca, _) = TestCertificates.Write(dir.Path, "future", Now.AddDays(2), Now.AddDays(30));

        var problem = Assert.Single(TlsFileCheck.Check(ca, null, null, Now));

        Assert.Equal("Mqtt:Tls:CaFile", problem.Key);
        Assert.Contains("not valid before", problem.Allowed, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_KeyOfAnotherCertificate_NamesTheKeyFile()
    {
        using var dir = new TempDirectory();
        var (cert, _) = TestCertificates.WriteValid(dir.Path, "a");
        var (_, otherKey) = TestCertificates.WriteValid(dir.Path, "b");

        var problem = Assert.Single(TlsFileCheck.Check(null, cert, otherKey, Now));

        Assert.Equal("Mqtt:Tls:KeyFile", problem.Key);
        Assert.Equal(otherKey, problem.Value);
        Assert.Contains("does not match", problem.Allowed, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CaFileWithoutCertificate_NamesTheCaFile()
    {
        using var dir = new TempDirectory();
        var ca = dir.Combine("ca.crt");
        File.WriteAllText(ca, "not a certificate");

        var problem = Assert.Single(TlsFileCheck.Check(ca, null, null, Now));

        Assert.Equal("Mqtt:Tls:CaFile", problem.Key);
        Assert.Equal(ca, problem.Value);
    }
}
