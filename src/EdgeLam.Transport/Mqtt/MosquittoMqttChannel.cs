using System.Text;
using EdgeLam.Mosquitto.Interop;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// <see cref="IMqttChannel"/> over libmosquitto (MQTT 5). The client's network thread drives
/// <see cref="Pump"/> (<c>mosquitto_loop</c>); libmosquitto's callbacks run inside it and are forwarded to the
/// handler. Received payloads are copied once, inside the callback, into pooled buffers.
/// </summary>
public sealed class MosquittoMqttChannel : IMqttChannel, IMosquittoCallbacks
{
    private readonly MqttClientOptions options;
    private readonly MosquittoClient client;
    private readonly TopicStringCache topics = new();
    private IMqttChannelHandler? handler;

    public MosquittoMqttChannel(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        this.options = options;
        try
        {
            client = new MosquittoClient(string.IsNullOrEmpty(options.ClientId) ? null : options.ClientId, options.CleanStart, this);
            client.SetMaxInflightMessages(options.MaxInflightMessages);
            client.SetOption(MosquittoOption.TcpNoDelay, 1);
            if (options.Username is not null)
            {
                client.SetCredentials(options.Username, options.ResolvePassword());
            }

            if (options.Tls is { } tls)
            {
                client.SetTls(tls.CaFile, tls.CaDirectory, tls.CertificateFile, tls.KeyFile, tls.TlsVersion, tls.InsecureSkipHostnameVerification);
            }

            if (options.LastWill is { } will)
            {
                var props = new MosquittoPropertyList();
                try
                {
                    if (will.ContentType is not null)
                    {
                        props.AddString(MqttPropertyId.ContentType, will.ContentType);
                    }

                    client.SetWill(will.Topic, will.Payload.Span, (int)will.QualityOfService, will.Retain, props);
                }
                finally
                {
                    props.Dispose();
                }
            }
        }
        catch (MosquittoException ex)
        {
            client?.Dispose();
            throw new MqttChannelException(ex.Message, ex);
        }
    }

    /// <summary>Callback invocations that threw inside libmosquitto's thread (caught).</summary>
    public long CallbackFaults => client.CallbackFaults;

    public void Attach(IMqttChannelHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (this.handler is not null)
        {
            throw new InvalidOperationException("The channel already has a handler.");
        }

        this.handler = handler;
    }

    public void Connect()
    {
        using var props = new MosquittoPropertyList();
        try
        {
            if (!options.CleanStart && options.SessionExpiry > TimeSpan.Zero)
            {
                props.AddInt32(MqttPropertyId.SessionExpiryInterval, (uint)options.SessionExpiry.TotalSeconds);
            }

            client.Connect(options.Host, options.Port, (int)options.KeepAlive.TotalSeconds, props);
        }
        catch (MosquittoException ex)
        {
            throw new MqttChannelException($"connect to {options.Host}:{options.Port}: {ex.Message}", ex);
        }
    }

    public bool Pump(TimeSpan timeout)
    {
        var rc = client.Loop((int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
        return rc == MosquittoError.Success;
    }

    public bool Publish(in MqttApplicationMessage message, out int messageId)
    {
        MosquittoPropertyList? props = null;
        try
        {
            if (!message.Properties.IsEmpty)
            {
                props = BuildProperties(message.Properties);
            }

            var rc = client.TryPublish(message.Topic, message.Payload.Span, (int)message.QualityOfService, message.Retain, props, out messageId);
            return rc switch
            {
                MosquittoError.Success => true,
                MosquittoError.NoConn or MosquittoError.ConnLost => false,
                _ => throw new MqttChannelException($"publish to '{message.Topic}' rejected: {MosquittoStatus.Describe((int)rc)} ({rc})"),
            };
        }
        catch (MosquittoException ex)
        {
            throw new MqttChannelException(ex.Message, ex);
        }
        finally
        {
            props?.Dispose();
        }
    }

    public int Subscribe(string filter, MqttQualityOfService qualityOfService)
    {
        try
        {
            return client.Subscribe(filter, (int)qualityOfService);
        }
        catch (MosquittoException ex)
        {
            throw new MqttChannelException($"subscribe '{filter}': {ex.Message}", ex);
        }
    }

    public void Unsubscribe(string filter)
    {
        try
        {
            client.Unsubscribe(filter);
        }
        catch (MosquittoException ex)
        {
            throw new MqttChannelException($"unsubscribe '{filter}': {ex.Message}", ex);
        }
    }

    public void Disconnect() => client.Disconnect();

    public void Abort() => client.AbortConnection();

    public void Dispose() => client.Dispose();

    void IMosquittoCallbacks.OnConnect(int reasonCode, int flags, MosquittoPropertyView properties) =>
        handler?.OnConnected(reasonCode, (flags & 1) != 0);

    void IMosquittoCallbacks.OnDisconnect(int reasonCode, MosquittoPropertyView properties) =>
        handler?.OnDisconnected(reasonCode);

    void IMosquittoCallbacks.OnPublish(int messageId, int reasonCode) =>
        handler?.OnPublished(messageId, reasonCode);

    void IMosquittoCallbacks.OnMessage(in MosquittoMessage message, MosquittoPropertyView properties)
    {
        if (handler is null)
        {
            return;
        }

        var received = MqttReceivedMessage.Create(
            topics.Get(message.TopicUtf8),
            message.Payload,
            message.Qos >= 1 ? MqttQualityOfService.AtLeastOnce : MqttQualityOfService.AtMostOnce,
            message.Retain,
            properties.IsEmpty ? default : ReadProperties(properties));
        try
        {
            handler.OnMessage(received);
        }
        catch
        {
            received.Dispose();
            throw;
        }
    }

    void IMosquittoCallbacks.OnSubscribe(int messageId, ReadOnlySpan<int> grantedQos) =>
        handler?.OnSubscribed(messageId, grantedQos);

    void IMosquittoCallbacks.OnLog(MosquittoLogLevel level, ReadOnlySpan<byte> messageUtf8)
    {
        if (handler is not null && level is MosquittoLogLevel.Warning or MosquittoLogLevel.Error)
        {
            handler.OnLog((int)level, Encoding.UTF8.GetString(messageUtf8));
        }
    }

    void IMosquittoCallbacks.OnCallbackFault(Exception exception) => handler?.OnFault(exception);

    private static MosquittoPropertyList BuildProperties(in MqttMessageProperties p)
    {
        var list = new MosquittoPropertyList();
        try
        {
            if (p.ContentType is not null)
            {
                list.AddString(MqttPropertyId.ContentType, p.ContentType);
            }

            if (p.ResponseTopic is not null)
            {
                list.AddString(MqttPropertyId.ResponseTopic, p.ResponseTopic);
            }

            if (!p.CorrelationData.IsEmpty)
            {
                list.AddBinary(MqttPropertyId.CorrelationData, p.CorrelationData.Span);
            }

            if (p.UserProperties is { } user)
            {
                foreach (var u in user)
                {
                    list.AddStringPair(MqttPropertyId.UserProperty, u.Name, u.Value);
                }
            }

            if (p.MessageExpiryInterval is { } expiry)
            {
                list.AddInt32(MqttPropertyId.MessageExpiryInterval, expiry);
            }

            return list;
        }
        catch
        {
            list.Dispose();
            throw;
        }
    }

    private static MqttMessageProperties ReadProperties(MosquittoPropertyView view)
    {
        List<KeyValuePair<string, string>>? pairs = null;
        Span<MqttPropertyId> ids = stackalloc MqttPropertyId[32];
        var count = view.ReadIdentifiers(ids);
        foreach (var id in ids[..count])
        {
            if (id == MqttPropertyId.UserProperty)
            {
                pairs = [];
                view.ReadUserProperties(pairs);
                break;
            }
        }

        return new MqttMessageProperties
        {
            MessageExpiryInterval = view.TryGetInt32(MqttPropertyId.MessageExpiryInterval, out var e) ? e : null,
            ContentType = view.GetString(MqttPropertyId.ContentType),
            ResponseTopic = view.GetString(MqttPropertyId.ResponseTopic),
            CorrelationData = view.GetBinary(MqttPropertyId.CorrelationData) ?? ReadOnlyMemory<byte>.Empty,
            UserProperties = pairs?.ConvertAll(static p => new MqttUserProperty(p.Key, p.Value)),
        };
    }
}
