using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Options;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Mqtt</c> into the transport's <see cref="MqttClientOptions"/>: the daemon's own keys (Host, Port,
/// ClientId, Username, Password/PasswordFile, Keepalive, Tls) from <see cref="MqttOptions"/>, plus the session and
/// flow-control keys (CleanStart, SessionExpiry, MaxInflightMessages, ReconnectDelayMin/Max, Tls:CaDirectory,
/// Tls:Version). Problems of the daemon's keys are reported by <see cref="EdgeLamSettings"/>, not twice here.
/// </summary>
internal sealed class MqttSectionValidator : IConfigSectionValidator
{
    /// <summary>The CA directory used when TLS is on without <c>Mqtt:Tls:CaFile</c> (the system store).</summary>
    public const string SystemCaDirectory = "/etc/ssl/certs";

    private const string S = MqttOptions.Section;

    public string Section => S;

    public void Validate(ConfigReader reader) => Bind(reader);

    public static MqttClientOptions Bind(ConfigReader r)
    {
        var quiet = new ConfigReader(r.Configuration);
        var mqtt = MqttOptions.Bind(quiet, NodeOptions.Bind(quiet));
        var options = new MqttClientOptions
        {
            Host = mqtt.Host,
            Port = mqtt.Port,
            ClientId = mqtt.ClientId,
            Username = mqtt.Username,
            KeepAlive = TimeSpan.FromSeconds(mqtt.Keepalive),
            CleanStart = r.Bool(S + ":CleanStart", false),
            SessionExpiry = r.Duration(S + ":SessionExpiry", TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromDays(30)),
            MaxInflightMessages = r.Int(S + ":MaxInflightMessages", 32, 1, 65535),
            ReconnectDelayMin = r.Duration(S + ":ReconnectDelayMin", TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
            ReconnectDelayMax = r.Duration(S + ":ReconnectDelayMax", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
        };
        if (options.ReconnectDelayMax < options.ReconnectDelayMin)
        {
            r.Problem(S + ":ReconnectDelayMax", r.String(S + ":ReconnectDelayMax"), "must not be below Mqtt:ReconnectDelayMin");
            options.ReconnectDelayMax = options.ReconnectDelayMin;
        }

        var caDirectory = r.String(S + ":Tls:CaDirectory");
        if (caDirectory is not null && !Directory.Exists(caDirectory))
        {
            r.Problem(S + ":Tls:CaDirectory", caDirectory, "must name an existing directory of hashed CA certificates");
        }

        var tlsVersion = r.String(S + ":Tls:Version");
        if (tlsVersion is not null && tlsVersion is not ("tlsv1.2" or "tlsv1.3"))
        {
            r.Problem(S + ":Tls:Version", tlsVersion, "must be tlsv1.2 or tlsv1.3 (unset lets OpenSSL choose)");
        }

        if (mqtt.Tls.Enabled || caDirectory is not null)
        {
            if (mqtt.Tls.ServerName is { } name && !string.Equals(name, mqtt.Host, StringComparison.OrdinalIgnoreCase))
            {
                r.Problem(S + ":Tls:ServerName", name, "is not supported: libmosquitto verifies the name it connects to, so set Mqtt:Host to the name in the broker's certificate");
            }

            options.Tls = new EdgeLam.Transport.Mqtt.MqttTlsOptions
            {
                CaFile = mqtt.Tls.CaFile,
                CaDirectory = caDirectory ?? (mqtt.Tls.CaFile is null ? SystemCaDirectory : null),
                CertificateFile = mqtt.Tls.CertFile,
                KeyFile = mqtt.Tls.KeyFile,
                TlsVersion = tlsVersion,
            };
        }

        try
        {
            options.Password = mqtt.ResolvePassword();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            r.Problem(S + ":PasswordFile", mqtt.PasswordFile, "must be a readable file (" + e.Message + ")");
        }

        if (quiet.Problems.Count == 0)
        {
            // The transport's own checks (they overlap the daemon's; run only when those passed, to report once).
            foreach (var problem in options.Validate())
            {
                r.Problem(ConfigProblem.Preformatted(problem.Split(' ')[0], problem));
            }
        }

        return options;
    }
}
