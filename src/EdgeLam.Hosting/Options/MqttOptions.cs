using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

/// <summary>
/// Section <c>Mqtt</c>, every key, bound and validated once here: the broker connection, the session and flow control
/// (CleanStart, SessionExpiry, MaxInflightMessages, ReconnectDelayMin/Max) and TLS. The daemon maps it onto the
/// transport's client options without binding or validating again.
/// </summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;
    public const int MaxClientIdLength = 64;

    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = DefaultPort;

    /// <summary>MQTT client id (default <c>edgelam-NODE</c>).</summary>
    public string ClientId { get; init; } = "edgelam";

    public string? Username { get; init; }

    /// <summary>Inline password; prefer <see cref="PasswordFile"/> (for example a systemd credential).</summary>
    public string? Password { get; init; }

    public string? PasswordFile { get; init; }

    /// <summary>Keepalive interval in seconds (MQTT allows up to 65535).</summary>
    public int Keepalive { get; init; } = 30;

    public MqttTlsOptions Tls { get; init; } = new();

    /// <summary>MQTT 5 clean start (off: the broker keeps the session across reconnects).</summary>
    public bool CleanStart { get; init; }

    /// <summary>How long the broker keeps the session after the connection drops.</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Bound on unacknowledged QoS 1 publishes.</summary>
    public int MaxInflightMessages { get; init; } = 32;

    /// <summary>First reconnect delay (doubles per failed attempt, with jitter).</summary>
    public TimeSpan ReconnectDelayMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the reconnect delay.</summary>
    public TimeSpan ReconnectDelayMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The password from <see cref="Password"/> or the first line of <see cref="PasswordFile"/>.</summary>
    public string? ResolvePassword() =>
        Password ?? (PasswordFile is { } f ? File.ReadLines(f).FirstOrDefault()?.TrimEnd('\r') : null);

    public static MqttOptions Bind(ConfigReader r, NodeOptions node)
    {
        var tls = MqttTlsOptions.Bind(r);
        var host = r.String("Mqtt:Host", "localhost");
        if (host.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\'))
        {
            r.Problem("Mqtt:Host", host, "must be a host name or IP address");
        }

        // MQTT 5 servers must accept 23 characters; mosquitto and EdgeLam's client take up to 64.
        var defaultId = "edgelam-" + node.Name;
        var clientId = r.String("Mqtt:ClientId", defaultId.Length > MaxClientIdLength ? defaultId[..MaxClientIdLength] : defaultId);
        if (clientId.Length > MaxClientIdLength || clientId.Any(c => c is '+' or '#' or '/' || char.IsControl(c)))
        {
            r.Problem("Mqtt:ClientId", clientId, "must be at most 64 characters without '+', '#', '/' or control characters");
        }

        var password = r.Raw("Mqtt:Password");
        var passwordFile = r.ExistingFile("Mqtt:PasswordFile");
        if (password is not null && passwordFile is not null)
        {
            r.Problem("Mqtt:Password", "(hidden)", "must not be set together with Mqtt:PasswordFile (use one)");
        }

        var username = r.String("Mqtt:Username");
        if (username is null && (password is not null || passwordFile is not null))
        {
            r.Problem("Mqtt:Username", null, "is required when Mqtt:Password or Mqtt:PasswordFile is set");
        }

        if (passwordFile is not null && File.Exists(passwordFile)) // a missing file is reported by ExistingFile
        {
            try
            {
                using var readable = File.OpenRead(passwordFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                r.Problem("Mqtt:PasswordFile", passwordFile, "must be a readable file (" + e.Message + ")");
            }
        }

        if (tls.Enabled && tls.ServerName is { } name && !string.Equals(name, host, StringComparison.OrdinalIgnoreCase))
        {
            r.Problem("Mqtt:Tls:ServerName", name, "is not supported: libmosquitto verifies the name it connects to, so set Mqtt:Host to the name in the broker's certificate");
        }

        var reconnectMin = r.Duration("Mqtt:ReconnectDelayMin", TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        var reconnectMax = r.Duration("Mqtt:ReconnectDelayMax", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        if (reconnectMax < reconnectMin)
        {
            r.Problem("Mqtt:ReconnectDelayMax", r.String("Mqtt:ReconnectDelayMax"), "must not be below Mqtt:ReconnectDelayMin");
            reconnectMax = reconnectMin;
        }

        return new MqttOptions
        {
            Host = host,
            Port = r.Int("Mqtt:Port", tls.Enabled ? DefaultTlsPort : DefaultPort, 1, 65535),
            ClientId = clientId,
            Username = username,
            Password = password,
            PasswordFile = passwordFile,
            Keepalive = r.Int("Mqtt:Keepalive", 30, 5, 65535),
            Tls = tls,
            CleanStart = r.Bool("Mqtt:CleanStart", false),
            SessionExpiry = r.Duration("Mqtt:SessionExpiry", TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromDays(30)),
            MaxInflightMessages = r.Int("Mqtt:MaxInflightMessages", 32, 1, 65535),
            ReconnectDelayMin = reconnectMin,
            ReconnectDelayMax = reconnectMax,
        };
    }
}

/// <summary>Section <c>Mqtt:Tls</c>. TLS is on when <c>Enabled</c> is true or any file or <c>CaDirectory</c> is configured.</summary>
public sealed class MqttTlsOptions
{
    public bool Enabled { get; init; }

    /// <summary>CA bundle used to verify the broker (null: the system store).</summary>
    public string? CaFile { get; init; }

    /// <summary>Client certificate for mutual TLS (with <see cref="KeyFile"/>).</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Name expected in the broker's certificate when it differs from <c>Mqtt:Host</c> (not supported: reported).</summary>
    public string? ServerName { get; init; }

    /// <summary>A directory of hashed CA certificates (null: <see cref="CaFile"/>, or the system store).</summary>
    public string? CaDirectory { get; init; }

    /// <summary><c>tlsv1.2</c> or <c>tlsv1.3</c>; null lets OpenSSL choose.</summary>
    public string? Version { get; init; }

    public static MqttTlsOptions Bind(ConfigReader r)
    {
        var ca = r.ExistingFile("Mqtt:Tls:CaFile");
        var cert = r.ExistingFile("Mqtt:Tls:CertFile");
        var key = r.ExistingFile("Mqtt:Tls:KeyFile");
        if ((cert is null) != (key is null))
        {
            r.Problem(cert is null ? "Mqtt:Tls:CertFile" : "Mqtt:Tls:KeyFile", null, "must be set together with " + (cert is null ? "Mqtt:Tls:KeyFile" : "Mqtt:Tls:CertFile"));
        }

        var caDirectory = r.String("Mqtt:Tls:CaDirectory");
        if (caDirectory is not null && !Directory.Exists(caDirectory))
        {
            r.Problem("Mqtt:Tls:CaDirectory", caDirectory, "must name an existing directory of hashed CA certificates");
        }

        var version = r.String("Mqtt:Tls:Version");
        if (version is not null && version is not ("tlsv1.2" or "tlsv1.3"))
        {
            r.Problem("Mqtt:Tls:Version", version, "must be tlsv1.2 or tlsv1.3 (unset lets OpenSSL choose)");
        }

        foreach (var problem in Security.TlsFileCheck.Check(ca, cert, key, DateTimeOffset.UtcNow))
        {
            r.Problem(problem);
        }

        var any = ca is not null || cert is not null || caDirectory is not null;
        return new MqttTlsOptions
        {
            Enabled = r.Bool("Mqtt:Tls:Enabled", any),
            CaFile = ca,
            CertFile = cert,
            KeyFile = key,
            ServerName = r.String("Mqtt:Tls:ServerName"),
            CaDirectory = caDirectory,
            Version = version,
        };
    }
}
