using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Security;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Mqtt</c> once into the client's own <see cref="MqttClientOptions"/> (with its
/// <see cref="MqttTlsOptions"/>): every key, the session and flow control and TLS. Malformed values are reported by
/// the reader, everything else by <see cref="MqttClientOptions.Validate"/>; the TLS files' contents (PEM, dates, key
/// matching the certificate) by <see cref="TlsFileCheck"/>. TLS is on when <c>Mqtt:Tls:Enabled</c> is true or any
/// file or <c>CaDirectory</c> is configured.
/// </summary>
internal sealed class MqttSectionBinder : IConfigSectionBinder
{
    /// <summary>The CA directory used when TLS is on without <c>Mqtt:Tls:CaFile</c> or <c>CaDirectory</c> (the system store).</summary>
    public const string SystemCaDirectory = "/etc/ssl/certs";

    private const string S = MqttClientOptions.SectionName + ":";

    public string Section => MqttClientOptions.SectionName;

    public object Bind(ConfigReader reader, EdgeLamSettings settings) => Bind(reader, settings.Node.Name);

    /// <summary>Binds; problems go to <paramref name="r"/>. The client id defaults to <c>edgelam-NODE</c> (cut to 64).</summary>
    public static MqttClientOptions Bind(ConfigReader r, string nodeName)
    {
        var defaults = new MqttClientOptions();
        var tls = new MqttTlsOptions
        {
            CaFile = r.String(S + "Tls:CaFile"),
            CaDirectory = r.String(S + "Tls:CaDirectory"),
            CertificateFile = r.String(S + "Tls:CertFile"),
            KeyFile = r.String(S + "Tls:KeyFile"),
            TlsVersion = r.String(S + "Tls:Version"),
        };
        var tlsOn = r.Bool(S + "Tls:Enabled", tls.CaFile is not null || tls.CertificateFile is not null || tls.CaDirectory is not null);
        if (tlsOn && tls.CaFile is null && tls.CaDirectory is null)
        {
            tls.CaDirectory = SystemCaDirectory;
        }

        var defaultId = "edgelam-" + nodeName;
        var options = new MqttClientOptions
        {
            Host = r.String(S + "Host", defaults.Host),
            Port = r.Int(S + "Port", tlsOn ? MqttClientOptions.DefaultTlsPort : MqttClientOptions.DefaultPort, 1, 65535),
            ClientId = r.String(S + "ClientId", defaultId.Length > MqttClientOptions.MaxClientIdLength ? defaultId[..MqttClientOptions.MaxClientIdLength] : defaultId),
            Username = r.String(S + "Username"),
            Password = r.Raw(S + "Password"),
            PasswordFile = r.String(S + "PasswordFile"),
            KeepAlive = TimeSpan.FromSeconds(r.Int(S + "Keepalive", (int)defaults.KeepAlive.TotalSeconds, 5, 65535)),
            CleanStart = r.Bool(S + "CleanStart", defaults.CleanStart),
            SessionExpiry = r.Duration(S + "SessionExpiry", defaults.SessionExpiry, TimeSpan.Zero, TimeSpan.FromDays(30)),
            MaxInflightMessages = r.Int(S + "MaxInflightMessages", defaults.MaxInflightMessages, 1, 65535),
            ReconnectDelayMin = r.Duration(S + "ReconnectDelayMin", defaults.ReconnectDelayMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
            ReconnectDelayMax = r.Duration(S + "ReconnectDelayMax", defaults.ReconnectDelayMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
            Tls = tlsOn ? tls : null,
        };

        foreach (var problem in options.Validate())
        {
            r.Problem(problem);
        }

        if (options.ReconnectDelayMax < options.ReconnectDelayMin)
        {
            options.ReconnectDelayMax = options.ReconnectDelayMin; // reported above; the options stay usable
        }

        if (!tlsOn)
        {
            // TLS keys written while TLS is off are still checked (a typo would otherwise wait for the day TLS goes on).
            foreach (var problem in tls.Validate())
            {
                r.Problem(problem);
            }
        }

        foreach (var problem in TlsFileCheck.Check(tls.CaFile, tls.CertificateFile, tls.KeyFile, DateTimeOffset.UtcNow))
        {
            r.Problem(problem);
        }

        if (tlsOn && r.String(S + "Tls:ServerName") is { } name && !string.Equals(name, options.Host, StringComparison.OrdinalIgnoreCase))
        {
            r.Problem(S + "Tls:ServerName", name, "is not supported: libmosquitto verifies the name it connects to, so set Mqtt:Host to the name in the broker's certificate");
        }

        return options;
    }
}
