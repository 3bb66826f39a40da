using EdgeLam.Core.Configuration;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// TLS to the broker (section <c>Mqtt:Tls</c>). The broker's certificate is verified against
/// <see cref="CaFile"/>/<see cref="CaDirectory"/> and its host name against <see cref="MqttClientOptions.Host"/>
/// (libmosquitto verifies and sends SNI for the host it connects to, so use the name in the broker's certificate as
/// the host).
/// </summary>
public sealed class MqttTlsOptions
{
    /// <summary>PEM file of trusted CA certificates (<c>Mqtt:Tls:CaFile</c>).</summary>
    public string? CaFile { get; set; }

    /// <summary>Directory of hashed PEM CA certificates (alternative to <see cref="CaFile"/>).</summary>
    public string? CaDirectory { get; set; }

    /// <summary>This node's PEM certificate (client authentication, <c>Mqtt:Tls:CertFile</c>), with <see cref="KeyFile"/>.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>This node's unencrypted PEM private key.</summary>
    public string? KeyFile { get; set; }

    /// <summary><c>tlsv1.2</c> or <c>tlsv1.3</c> (<c>Mqtt:Tls:Version</c>); null lets OpenSSL choose (TLS 1.2 or later).</summary>
    public string? TlsVersion { get; set; }

    /// <summary>Skips the host name check. Never in production; off by default.</summary>
    public bool InsecureSkipHostnameVerification { get; set; }

    /// <summary>Every problem with these files and names, each naming its key and value (empty when valid).</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        if ((CertificateFile is null) != (KeyFile is null))
        {
            problems.Add(CertificateFile is null
                ? new("Mqtt:Tls:CertFile", null, "must be set together with Mqtt:Tls:KeyFile")
                : new("Mqtt:Tls:KeyFile", null, "must be set together with Mqtt:Tls:CertFile"));
        }

        foreach (var (key, file) in new[] { ("Mqtt:Tls:CaFile", CaFile), ("Mqtt:Tls:CertFile", CertificateFile), ("Mqtt:Tls:KeyFile", KeyFile) })
        {
            if (file is not null && !File.Exists(file))
            {
                problems.Add(new(key, file, Directory.Exists(file) ? "must name a file, not a directory" : "must name an existing file (not found)"));
            }
        }

        if (CaDirectory is not null && !Directory.Exists(CaDirectory))
        {
            problems.Add(new("Mqtt:Tls:CaDirectory", CaDirectory, "must name an existing directory of hashed CA certificates"));
        }

        if (TlsVersion is not (null or "tlsv1.2" or "tlsv1.3"))
        {
            problems.Add(new("Mqtt:Tls:Version", TlsVersion, "must be tlsv1.2 or tlsv1.3 (unset lets OpenSSL choose)"));
        }

        return problems;
    }
}
