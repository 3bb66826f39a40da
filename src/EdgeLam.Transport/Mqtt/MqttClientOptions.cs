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

    /// <summary>Every problem with these options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add("Mqtt:Host is required.");
        }

        if (Port is < 1 or > 65535)
        {
            errors.Add($"Mqtt:Port {Port} is outside 1..65535.");
        }

        if (string.IsNullOrEmpty(ClientId))
        {
            if (!CleanStart)
            {
                errors.Add("Mqtt:ClientId is required when CleanStart is off (persistent session).");
            }
        }
        else if (ClientId.Length > 64 || ClientId.AsSpan().IndexOfAny("+#/\0") >= 0)
        {
            errors.Add($"Mqtt:ClientId '{ClientId}' must be 1..64 characters without '+', '#', '/'.");
        }

        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            errors.Add("Mqtt:SessionExpiry must be between 0 and 2^32-1 seconds.");
        }

        if (KeepAlive < TimeSpan.FromSeconds(5) || KeepAlive > TimeSpan.FromSeconds(65535))
        {
            errors.Add("Mqtt:KeepAlive must be between 5 s and 65535 s.");
        }

        if (MaxInflightMessages is < 1 or > 65535)
        {
            errors.Add("Mqtt:MaxInflightMessages must be between 1 and 65535.");
        }

        if (OutgoingQueueCapacity < 1)
        {
            errors.Add("Mqtt:OutgoingQueueCapacity must be at least 1.");
        }

        if (IncomingQueueCapacity < 1)
        {
            errors.Add("Mqtt:IncomingQueueCapacity must be at least 1.");
        }

        if (ReconnectDelayMin <= TimeSpan.Zero || ReconnectDelayMax < ReconnectDelayMin)
        {
            errors.Add("Mqtt:ReconnectDelayMin must be positive and not above ReconnectDelayMax.");
        }

        if (Username is null && Password is not null)
        {
            errors.Add("Mqtt:Password needs a Username.");
        }

        if (Tls is { } tls)
        {
            if (tls.CaFile is null && tls.CaDirectory is null)
            {
                errors.Add("Mqtt:Tls needs CaFile or CaDirectory.");
            }

            if ((tls.CertificateFile is null) != (tls.KeyFile is null))
            {
                errors.Add("Mqtt:Tls:CertificateFile and KeyFile go together.");
            }

            foreach (var file in new[] { tls.CaFile, tls.CertificateFile, tls.KeyFile })
            {
                if (file is not null && !File.Exists(file))
                {
                    errors.Add($"Mqtt:Tls file '{file}' does not exist.");
                }
            }
        }

        if (LastWill is { } will && !MqttTopicValidator.IsValidTopicName(will.Topic))
        {
            errors.Add($"Mqtt:LastWill:Topic '{will.Topic}' is not a valid topic name.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="MqttOptionsException"/> listing every problem.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new MqttOptionsException(string.Join(" ", errors));
        }
    }
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
