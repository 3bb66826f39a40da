using System.Globalization;
using EdgeLam.Core.Configuration;

namespace EdgeLam.Transport.Mqtt;

/// <summary>Connection, session and flow-control settings of <see cref="MqttClient"/> (bound from configuration section <c>Mqtt</c>).</summary>
public sealed class MqttClientOptions
{
    public const string SectionName = "Mqtt";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>MQTT client id; required for a persistent session. 1–64 characters without wildcards or '/'.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>MQTT 5 clean start. Off by default: the broker keeps the session (subscriptions, queued QoS 1) across reconnects.</summary>
    public bool CleanStart { get; set; }

    /// <summary>How long the broker keeps the session after the connection drops (CONNECT property 17).</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Keepalive; libmosquitto requires at least 5 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    public string? Username { get; set; }

    public string? Password { get; set; }

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
        if (string.IsNullOrWhiteSpace(Host))
        {
            problems.Add(new("Mqtt:Host", Host, "is required"));
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
        else if (ClientId.Length > 64 || ClientId.AsSpan().IndexOfAny("+#/\0") >= 0)
        {
            problems.Add(new("Mqtt:ClientId", ClientId, "must be 1 to 64 characters without '+', '#', '/'"));
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

        if (Username is null && Password is not null)
        {
            problems.Add(new("Mqtt:Username", null, "is required when Mqtt:Password is set"));
        }

        if (Tls is { } tls)
        {
            if (tls.CaFile is null && tls.CaDirectory is null)
            {
                problems.Add(new("Mqtt:Tls:CaFile", null, "must be set (or Mqtt:Tls:CaDirectory) when TLS is on"));
            }

            if ((tls.CertificateFile is null) != (tls.KeyFile is null))
            {
                problems.Add(tls.CertificateFile is null
                    ? new("Mqtt:Tls:CertFile", null, "must be set together with Mqtt:Tls:KeyFile")
                    : new("Mqtt:Tls:KeyFile", null, "must be set together with Mqtt:Tls:CertFile"));
            }

            foreach (var (key, file) in new[] { ("Mqtt:Tls:CaFile", tls.CaFile), ("Mqtt:Tls:CertFile", tls.CertificateFile), ("Mqtt:Tls:KeyFile", tls.KeyFile) })
            {
                if (file is not null && !File.Exists(file))
                {
                    problems.Add(new(key, file, "must name an existing file (not found)"));
                }
            }
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
