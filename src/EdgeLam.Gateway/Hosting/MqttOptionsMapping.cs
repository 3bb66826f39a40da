using EdgeLam.Hosting.Options;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Section <c>Mqtt</c> as the transport's client takes it: <see cref="MqttOptions"/> (bound and validated once by
/// <c>EdgeLamSettings</c>) mapped onto <see cref="MqttClientOptions"/>, nothing bound or checked again.
/// </summary>
internal static class MqttOptionsMapping
{
    /// <summary>The CA directory used when TLS is on without <c>Mqtt:Tls:CaFile</c> or <c>CaDirectory</c> (the system store).</summary>
    public const string SystemCaDirectory = "/etc/ssl/certs";

    public static MqttClientOptions ToClientOptions(MqttOptions mqtt)
    {
        ArgumentNullException.ThrowIfNull(mqtt);
        var tls = mqtt.Tls;
        return new MqttClientOptions
        {
            Host = mqtt.Host,
            Port = mqtt.Port,
            ClientId = mqtt.ClientId,
            Username = mqtt.Username,
            Password = mqtt.ResolvePassword(),
            KeepAlive = TimeSpan.FromSeconds(mqtt.Keepalive),
            CleanStart = mqtt.CleanStart,
            SessionExpiry = mqtt.SessionExpiry,
            MaxInflightMessages = mqtt.MaxInflightMessages,
            ReconnectDelayMin = mqtt.ReconnectDelayMin,
            ReconnectDelayMax = mqtt.ReconnectDelayMax,
            Tls = !tls.Enabled ? null : new EdgeLam.Transport.Mqtt.MqttTlsOptions
            {
                CaFile = tls.CaFile,
                CaDirectory = tls.CaDirectory ?? (tls.CaFile is null ? SystemCaDirectory : null),
                CertificateFile = tls.CertFile,
                KeyFile = tls.KeyFile,
                TlsVersion = tls.Version,
            },
        };
    }
}
