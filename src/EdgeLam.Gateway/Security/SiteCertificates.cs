using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeLam.Gateway.Security;

/// <summary>
/// A site's certificates on .NET's own cryptography (ECDSA P-256, SHA-256): a CA, node client certificates whose CN is
/// the node id (mosquitto's <c>use_identity_as_username</c> user) and a broker server certificate with its names as
/// SANs. PEM out; private keys are written mode 0600.
/// </summary>
internal static class SiteCertificates
{
    public const string CaCertFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>Creates a self-signed CA in <paramref name="outDir"/> (ca.crt, ca.key); returns the certificate path.</summary>
    public static string CreateCa(string outDir, string name, int days, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var cert = request.CreateSelfSigned(now - Skew, now.AddDays(days));
        return Write(outDir, "ca", cert, key);
    }

    /// <summary>Issues a node's client certificate (CN = node id) into <paramref name="outDir"/> ({id}.crt, {id}.key).</summary>
    public static string IssueNode(string caDir, string nodeId, string outDir, int days, DateTimeOffset now) =>
        Issue(caDir, outDir, nodeId, nodeId, days, now, ClientAuth, null);

    /// <summary>Issues the broker's server certificate (CN = first host, every host as a DNS or IP SAN): broker.crt, broker.key.</summary>
    public static string IssueBroker(string caDir, IReadOnlyList<string> hosts, string outDir, int days, DateTimeOffset now)
    {
        if (hosts.Count == 0)
        {
            throw new ArgumentException("at least one broker host name or address is needed", nameof(hosts));
        }

        var sans = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                sans.AddIpAddress(ip);
            }
            else
            {
                sans.AddDnsName(host);
            }
        }

        return Issue(caDir, outDir, "broker", hosts[0], days, now, ServerAuth, sans.Build());
    }

    private static string Issue(string caDir, string outDir, string fileStem, string commonName, int days, DateTimeOffset now, string usage, X509Extension? sans)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(caDir, CaCertFile), Path.Combine(caDir, CaKeyFile));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (sans is not null)
        {
            request.CertificateExtensions.Add(sans);
        }

        var notAfter = now.AddDays(days);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var cert = request.Create(ca, now - Skew, notAfter, serial);
        return Write(outDir, fileStem, cert, key);
    }

    private static string Write(string outDir, string stem, X509Certificate2 cert, ECDsa key)
    {
        Directory.CreateDirectory(outDir);
        var certPath = Path.Combine(outDir, stem + ".crt");
        var keyPath = Path.Combine(outDir, stem + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem() + "\n");
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return certPath;
    }

    /// <summary>Writes a file readable by its owner only (0600), also when it already existed.</summary>
    public static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new StreamWriter(path, options))
        {
            stream.Write(text);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
