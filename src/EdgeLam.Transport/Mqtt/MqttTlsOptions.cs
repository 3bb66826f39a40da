namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// TLS to the broker. The broker's certificate is verified against <see cref="CaFile"/>/<see cref="CaDirectory"/>
/// and its host name against <see cref="MqttClientOptions.Host"/> (libmosquitto verifies and sends SNI for the host it
/// connects to, so use the name in the broker's certificate as the host).
/// </summary>
public sealed class MqttTlsOptions
{
    /// <summary>PEM file of trusted CA certificates.</summary>
    public string? CaFile { get; set; }

    /// <summary>Directory of hashed PEM CA certificates (alternative to <see cref="CaFile"/>).</summary>
    public string? CaDirectory { get; set; }

    /// <summary>This node's PEM certificate (client authentication), with <see cref="KeyFile"/>.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>This node's unencrypted PEM private key.</summary>
    public string? KeyFile { get; set; }

    /// <summary>e.g. <c>tlsv1.3</c>; null lets OpenSSL choose (TLS 1.2 or later).</summary>
    public string? TlsVersion { get; set; }

    /// <summary>Skips the host name check. Never in production; off by default.</summary>
    public bool InsecureSkipHostnameVerification { get; set; }
}
