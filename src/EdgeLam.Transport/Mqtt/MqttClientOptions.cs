using System.Globalization;
using EdgeLam.Core.Configuration;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// Connection, session and flow-control settings of <see cref="MqttClient"/>: the one options type of configuration
/// section <c>Mqtt</c> (bound once by the daemon, checked by <see cref="Validate"/>).
/// </summary>
public sealed class MqttClientOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>The port without TLS.</summary>
    public const int DefaultPort = 1883;

    /// <summary>The port with TLS.</summary>
    public const int DefaultTlsPort = 8883;

    /// <summary>The longest client id (MQTT 5 servers must accept 23 characters; mosquitto and this client take 64).</summary>
    public const int MaxClientIdLength = 64;

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = DefaultPort;

    /// <summary>MQTT client id; required for a persistent session. 1–64 characters without wildcards or '/'.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>MQTT 5 clean start. Off by default: the broker keeps the session (subscriptions, queued QoS 1) across reconnects.</summary>
    public bool CleanStart { get; set; }

    /// <summary>How long the broker keeps the session after the connection drops (CONNECT property 17).</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Keepalive; libmosquitto requires at least 5 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    public string? Username { get; set; }

    /// <summary>Inline password; prefer <see cref="PasswordFile"/> (for example a systemd credential).</summary>
    public string? Password { get; set; }

    /// <summary>A file whose first line is the password (not together with <see cref="Password"/>).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>TLS settings; null means plain TCP (loopback only).</summary>
    public MqttTlsOptions? Tls { get; set; }

    /// <summary>Published by the broker if the connection is lost without DISCONNECT (the node's status topic).</summary>
    public MqttLastWill? LastWill { get; set; }

    /// <summary>Bound on unacknowledged QoS 1 publishes (also sent to libmosquitto as its send maximum).</summary>
    public int MaxInflightMessages { get; set; } = 32;

    /// <summary>Messages accepted by <see cref="MqttClient.PublishAsync"/> but not yet handed to the connection.</summary>
    public int OutgoingQueueCapacity { get; set; } = 1024;

    /// <summary>Received messages waiting for a consumer; beyond this they are dropped and counted.</summary>
    public int IncomingQueueCapacity { get; set; } = 4096;

    /// <summary>First reconnect delay (doubles per failed attempt, with jitter).</summary>
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the reconnect delay.</summary>
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these options, each naming its key and value (empty when valid).</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        if (string.IsNullOrWhiteSpace(Host) || Host.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\'))
        {
            problems.Add(new("Mqtt:Host", Host, "must be a host name or IP address"));
        }

        if (Port is < 1 or > 65535)
        {
            problems.Add(new("Mqtt:Port", Text(Port), "must be an integer from 1 to 65535"));
        }

        if (string.IsNullOrEmpty(ClientId))
        {
            if (!CleanStart)
            {
                problems.Add(new("Mqtt:ClientId", null, "is required when Mqtt:CleanStart is off (persistent session)"));
            }
        }
        else if (ClientId.Length > MaxClientIdLength || ClientId.Any(c => c is '+' or '#' or '/' || char.IsControl(c)))
        {
            problems.Add(new("Mqtt:ClientId", ClientId, "must be at most 64 characters without '+', '#', '/' or control characters"));
        }

        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            problems.Add(new("Mqtt:SessionExpiry", SessionExpiry.ToString("c", CultureInfo.InvariantCulture), "must be between 0 and 2^32-1 seconds"));
        }

        if (KeepAlive < TimeSpan.FromSeconds(5) || KeepAlive > TimeSpan.FromSeconds(65535))
        {
            problems.Add(new("Mqtt:Keepalive", Text((int)KeepAlive.TotalSeconds), "must be between 5 and 65535 seconds"));
        }

        if (MaxInflightMessages is < 1 or > 65535)
        {
            problems.Add(new("Mqtt:MaxInflightMessages", Text(MaxInflightMessages), "must be between 1 and 65535"));
        }

        if (OutgoingQueueCapacity < 1)
        {
            problems.Add(new("Mqtt:OutgoingQueueCapacity", Text(OutgoingQueueCapacity), "must be at least 1"));
        }

        if (IncomingQueueCapacity < 1)
        {
            problems.Add(new("Mqtt:IncomingQueueCapacity", Text(IncomingQueueCapacity), "must be at least 1"));
        }

        if (ReconnectDelayMin <= TimeSpan.Zero || ReconnectDelayMax < ReconnectDelayMin)
        {
            problems.Add(new("Mqtt:ReconnectDelayMax", ReconnectDelayMax.ToString("c", CultureInfo.InvariantCulture), "must not be below Mqtt:ReconnectDelayMin, which must be positive"));
        }

        ValidateCredentials(problems);
        if (Tls is { } tls)
        {
            if (tls.CaFile is null && tls.CaDirectory is null)
            {
                problems.Add(new("Mqtt:Tls:CaFile", null, "must be set (or Mqtt:Tls:CaDirectory) when TLS is on"));
            }

            problems.AddRange(tls.Validate());
        }

        if (LastWill is { } will && !MqttTopicValidator.IsValidTopicName(will.Topic))
        {
            problems.Add(new("Mqtt:LastWill:Topic", will.Topic, "must be a valid topic name"));
        }

        return problems;
    }

    /// <summary>Throws <see cref="MqttOptionsException"/> listing every problem.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new MqttOptionsException(ConfigProblem.Lines(problems));
        }
    }

    /// <summary>The password from <see cref="Password"/> or the first line of <see cref="PasswordFile"/>.</summary>
    public string? ResolvePassword() =>
        Password ?? (PasswordFile is { } f ? File.ReadLines(f).FirstOrDefault()?.TrimEnd('\r') : null);

    private void ValidateCredentials(List<ConfigProblem> problems)
    {
        if (Password is not null && PasswordFile is not null)
        {
            problems.Add(new("Mqtt:Password", "(hidden)", "must not be set together with Mqtt:PasswordFile (use one)"));
        }

        if (Username is null && (Password is not null || PasswordFile is not null))
        {
            problems.Add(new("Mqtt:Username", null, "is required when Mqtt:Password or Mqtt:PasswordFile is set"));
        }

        if (PasswordFile is not { } file)
        {
            return;
        }

        if (!File.Exists(file))
        {
            problems.Add(new("Mqtt:PasswordFile", file, Directory.Exists(file) ? "must name a file, not a directory" : "must name an existing file (not found)"));
            return;
        }

        try
        {
            using var readable = File.OpenRead(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new("Mqtt:PasswordFile", file, "must be a readable file (" + e.Message + ")"));
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The MQTT options are invalid.</summary>
public sealed class MqttOptionsException : Exception
{
    public MqttOptionsException()
    {
    }

    public MqttOptionsException(string message)
        : base(message)
    {
    }

    public MqttOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
