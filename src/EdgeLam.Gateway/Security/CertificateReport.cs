using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeLam.Gateway.Security;

/// <summary>What <c>edgelam certs show</c> prints for one PEM certificate file: subject, issuer, expiry, key match.</summary>
internal static class CertificateReport
{
    /// <summary>Lines for <paramref name="file"/>; the key checked is the same name with <c>.key</c>, when present.</summary>
    public static IReadOnlyList<string> Describe(string file, DateTimeOffset now)
    {
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(file));
        var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime());
        var daysLeft = (int)Math.Floor((notAfter - now).TotalDays);
        var lines = new List<string>
        {
            file + ":",
            "  subject:   " + cert.Subject,
            "  issuer:    " + cert.Issuer,
            "  not-after: " + notAfter.ToString("u", CultureInfo.InvariantCulture) + (daysLeft < 0 ? " (EXPIRED)" : string.Create(CultureInfo.InvariantCulture, $" ({daysLeft} days left)")),
        };
        var keyFile = Path.ChangeExtension(file, ".key");
        if (File.Exists(keyFile))
        {
            lines.Add("  key:       " + keyFile + (KeyMatches(file, keyFile) ? " (matches)" : " (DOES NOT MATCH)"));
        }

        return lines;
    }

    private static bool KeyMatches(string certFile, string keyFile)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
