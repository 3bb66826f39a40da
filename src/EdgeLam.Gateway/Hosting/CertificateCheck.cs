using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// How long the configured TLS certificates stay valid: every certificate in <c>Mqtt:Tls:CaFile</c> and the node's
/// <c>Mqtt:Tls:CertFile</c>. Expired is a problem (the broker refuses the node, or the node the broker); expiring
/// within <see cref="DoctorContext.CertificateWarning"/> (default 30 days) a warning; otherwise ok with the days left.
/// A file that cannot be read or parsed is reported by the configuration check (<c>TlsFileCheck</c>), not here.
/// </summary>
internal static class CertificateCheck
{
    public const string Name = "certificate";

    public static IEnumerable<DoctorFinding> Run(DoctorContext context, MqttTlsOptions? tls)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = context.Time.GetUtcNow();
        foreach (var (key, file) in new[] { ("Mqtt:Tls:CaFile", tls?.CaFile), ("Mqtt:Tls:CertFile", tls?.CertificateFile) })
        {
            if (file is null)
            {
                continue;
            }

            foreach (var (subject, notAfter) in Read(file))
            {
                yield return Finding(key, file, subject, notAfter, now, context.CertificateWarning);
            }
        }
    }

    /// <summary>The finding for one certificate of <paramref name="file"/> (configured as <paramref name="key"/>).</summary>
    public static DoctorFinding Finding(string key, string file, string subject, DateTimeOffset notAfter, DateTimeOffset now, TimeSpan warning)
    {
        var left = notAfter - now;
        var days = (int)Math.Floor(left.TotalDays);
        var what = string.Create(CultureInfo.InvariantCulture, $"{key} {file}: '{subject}'");
        var until = notAfter.ToString("u", CultureInfo.InvariantCulture);
        var fix = key == "Mqtt:Tls:CaFile"
            ? "create a new site CA, reissue the broker's and every node's certificate and install them (docs/security.md, \"Renewal\")"
            : "issue a new node certificate (edgelam certs node --ca <ca dir> --node <node> --out <dir>), install it over this file and restart edgelam (docs/security.md, \"Renewal\")";
        if (left <= TimeSpan.Zero)
        {
            return DoctorFinding.Problem(Name, $"{what} expired {until}", fix);
        }

        return left <= warning
            ? DoctorFinding.Warning(Name, string.Create(CultureInfo.InvariantCulture, $"{what} expires {until}, in {days} days (warning within {warning.TotalDays:0} days)"), fix)
            : DoctorFinding.Ok(Name, string.Create(CultureInfo.InvariantCulture, $"{what} valid until {until} ({days} days left)"));
    }

    private static List<(string Subject, DateTimeOffset NotAfter)> Read(string file)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return [];
        }

        var result = new List<(string, DateTimeOffset)>();
        foreach (var certificate in certificates)
        {
            result.Add((certificate.Subject, new DateTimeOffset(certificate.NotAfter.ToUniversalTime())));
            certificate.Dispose();
        }

        return result;
    }
}
