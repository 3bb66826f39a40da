using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeLam.Testing;

/// <summary>Writes self-signed ECDSA P-256 PEM certificates and keys for the TLS checks.</summary>
internal static class TestCertificates
{
    public static (string Cert, string Key) Write(string directory, string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(notBefore, notAfter);
        var certPath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    public static (string Cert, string Key) WriteValid(string directory, string name) =>
        Write(directory, name, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
}
