using System.Runtime.InteropServices;
using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary>
/// One libmosquitto client instance speaking MQTT 5: owns the <see cref="MosquittoHandle"/>, registers the callbacks
/// with this object as <c>obj</c>, and exposes the calls as methods that throw <see cref="MosquittoException"/>.
/// The instance is created in "external thread" mode (<c>mosquitto_threaded_set</c>): the owner runs
/// <see cref="Loop"/> on one thread; publish/subscribe from other threads only queue and wake that loop.
/// Stop the loop thread before <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class MosquittoClient : IDisposable
{
    /// <summary>MQTT's largest payload (268,435,455 bytes, MQTT_MAX_PAYLOAD).</summary>
    public const int MaxPayloadLength = 268_435_455;

    private readonly MosquittoHandle handle;
    private long callbackFaults;

    public MosquittoClient(string? clientId, bool cleanStart, IMosquittoCallbacks callbacks)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        if (!cleanStart && string.IsNullOrEmpty(clientId))
        {
            throw new ArgumentException("A persistent session (clean start off) needs a client id.", nameof(clientId));
        }

        MosquittoLibrary.EnsureInitialized();
        Callbacks = callbacks;
        var self = GCHandle.Alloc(this, GCHandleType.Weak);
        nint raw;
        if (clientId is null)
        {
            raw = MosquittoNative.New(null, cleanStart, GCHandle.ToIntPtr(self));
        }
        else
        {
            using var id = new Utf8Z(clientId, stackalloc byte[128]);
            fixed (byte* p = id.Bytes)
            {
                raw = MosquittoNative.New(p, cleanStart, GCHandle.ToIntPtr(self));
            }
        }

        if (raw == nint.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            self.Free();
            throw new MosquittoException(MosquittoError.Errno, "mosquitto_new", Marshal.GetPInvokeErrorMessage(errno));
        }

        handle = new MosquittoHandle(raw, self);
        MosquittoStatus.ThrowIfError(MosquittoNative.IntOption(handle, MosquittoOption.ProtocolVersion, (int)MqttProtocolVersion.V5), "mosquitto_int_option(PROTOCOL_VERSION)");
        MosquittoStatus.ThrowIfError(MosquittoNative.ThreadedSet(handle, true), "mosquitto_threaded_set");
        MosquittoCallbacks.Register(handle);
    }

    /// <summary>The receiver of this client's callbacks.</summary>
    public IMosquittoCallbacks Callbacks { get; }

    /// <summary>How many callback invocations threw (caught before reaching native code).</summary>
    public long CallbackFaults => Interlocked.Read(ref callbackFaults);

    /// <summary>The connected socket's descriptor, or -1.</summary>
    public int Socket
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return MosquittoNative.Socket(handle);
        }
    }

    public void SetOption(MosquittoOption option, int value)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        MosquittoStatus.ThrowIfError(MosquittoNative.IntOption(handle, option, value), $"mosquitto_int_option({option})");
    }

    /// <summary><c>mosquitto_max_inflight_messages_set</c>: the bound on unacknowledged outgoing QoS 1/2 messages.</summary>
    public void SetMaxInflightMessages(int maxInflight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxInflight);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        MosquittoStatus.ThrowIfError(MosquittoNative.MaxInflightMessagesSet(handle, (uint)maxInflight), "mosquitto_max_inflight_messages_set");
    }

    public void SetCredentials(string? username, string? password)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        MosquittoStatus.ThrowIfError(MosquittoNative.UsernamePasswordSet(handle, username, password), "mosquitto_username_pw_set");
    }

    /// <summary>
    /// TLS with a CA file or directory, an optional client certificate and key, and server certificate host name
    /// verification unless <paramref name="insecureSkipHostnameCheck"/>.
    /// </summary>
    public void SetTls(string? caFile, string? caPath, string? certFile, string? keyFile, string? tlsVersion, bool insecureSkipHostnameCheck)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        MosquittoStatus.ThrowIfError(MosquittoNative.TlsSet(handle, caFile, caPath, certFile, keyFile, nint.Zero), "mosquitto_tls_set");
        MosquittoStatus.ThrowIfError(MosquittoNative.TlsOptsSet(handle, 1 /* SSL_VERIFY_PEER */, tlsVersion, null), "mosquitto_tls_opts_set");
        MosquittoStatus.ThrowIfError(MosquittoNative.TlsInsecureSet(handle, insecureSkipHostnameCheck), "mosquitto_tls_insecure_set");
    }

    /// <summary>The last will the broker publishes if this client vanishes without DISCONNECT.</summary>
    public void SetWill(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, MosquittoPropertyList? properties = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        using var t = new Utf8Z(topic, stackalloc byte[256]);
        using var props = new PropertyScope(properties);
        fixed (byte* pt = t.Bytes)
        fixed (byte* pp = payload)
        {
            // mosquitto_will_set_v5 takes ownership of the property list on success.
            var rc = MosquittoNative.WillSetV5(handle, pt, payload.Length, pp, qos, retain, props.Pointer);
            if (rc == 0)
            {
                props.Surrender();
            }

            MosquittoStatus.ThrowIfError(rc, "mosquitto_will_set_v5");
        }
    }

    /// <summary>Blocking TCP connect and CONNECT; the CONNACK arrives through <see cref="IMosquittoCallbacks.OnConnect"/>.</summary>
    public void Connect(string host, int port, int keepAliveSeconds, MosquittoPropertyList? properties = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        using var props = new PropertyScope(properties);
        MosquittoStatus.ThrowIfError(MosquittoNative.ConnectBindV5(handle, host, port, keepAliveSeconds, null, props.Pointer), "mosquitto_connect_bind_v5");
    }

    /// <summary>Reconnects with the host, port, keepalive and CONNECT properties of the last <see cref="Connect"/>.</summary>
    public void Reconnect()
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        MosquittoStatus.ThrowIfError(MosquittoNative.Reconnect(handle), "mosquitto_reconnect");
    }

    /// <summary>Sends DISCONNECT (reason 0: normal, the will is discarded).</summary>
    public MosquittoError Disconnect(int reasonCode = 0)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        return (MosquittoError)MosquittoNative.DisconnectV5(handle, reasonCode, nint.Zero);
    }

    /// <summary>One pass of the network loop (select up to <paramref name="timeoutMs"/>, read, write, keepalive).</summary>
    /// <returns>The libmosquitto status; <see cref="MosquittoError.NoConn"/>/<see cref="MosquittoError.ConnLost"/> mean reconnect.</returns>
    public MosquittoError Loop(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        return (MosquittoError)MosquittoNative.Loop(handle, timeoutMs, 1);
    }

    /// <summary>Queues a PUBLISH; returns the message id (reported again by <see cref="IMosquittoCallbacks.OnPublish"/>).</summary>
    public int Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, MosquittoPropertyList? properties = null)
    {
        var rc = TryPublish(topic, payload, qos, retain, properties, out var mid);
        MosquittoStatus.ThrowIfError((int)rc, "mosquitto_publish_v5");
        return mid;
    }

    /// <summary>As <see cref="Publish"/> but returns the status instead of throwing (argument errors still throw).</summary>
    public MosquittoError TryPublish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, MosquittoPropertyList? properties, out int messageId)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        using var t = new Utf8Z(topic, stackalloc byte[256]);
        using var props = new PropertyScope(properties);
        var mid = 0;
        int rc;
        fixed (byte* pt = t.Bytes)
        fixed (byte* pp = payload)
        {
            rc = MosquittoNative.PublishV5(handle, &mid, pt, payload.Length, pp, qos, retain, props.Pointer);
        }

        messageId = mid;
        return (MosquittoError)rc;
    }

    /// <summary>Queues a SUBSCRIBE for one filter (may be <c>$share/group/filter</c>); returns the message id.</summary>
    public int Subscribe(string filter, int qos, MqttSubscribeOptions options = MqttSubscribeOptions.None)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        using var f = new Utf8Z(filter, stackalloc byte[256]);
        var mid = 0;
        fixed (byte* pf = f.Bytes)
        {
            MosquittoStatus.ThrowIfError(MosquittoNative.SubscribeV5(handle, &mid, pf, qos, (int)options, nint.Zero), "mosquitto_subscribe_v5");
        }

        return mid;
    }

    public int Unsubscribe(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        using var f = new Utf8Z(filter, stackalloc byte[256]);
        var mid = 0;
        fixed (byte* pf = f.Bytes)
        {
            MosquittoStatus.ThrowIfError(MosquittoNative.UnsubscribeV5(handle, &mid, pf, nint.Zero), "mosquitto_unsubscribe_v5");
        }

        return mid;
    }

    /// <summary>
    /// Cuts the TCP connection without sending DISCONNECT (<c>shutdown(2)</c> on the socket), as if the process had
    /// been killed: the broker publishes the will. The next <see cref="Loop"/> reports the lost connection.
    /// </summary>
    public void AbortConnection()
    {
        var fd = Socket;
        if (fd >= 0)
        {
            _ = LibC.Shutdown(fd, 2 /* SHUT_RDWR */);
        }
    }

    /// <summary>True if <paramref name="topic"/> is valid to publish to (no wildcards, valid UTF-8, ≤ 65535 bytes).</summary>
    public static bool IsValidPublishTopic(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        MosquittoLibrary.EnsureInitialized();
        using var t = new Utf8Z(topic, stackalloc byte[256]);
        fixed (byte* p = t.Bytes)
        {
            return t.Length > 0 && MosquittoNative.PubTopicCheck2(p, (nuint)t.Length) == 0;
        }
    }

    /// <summary>True if <paramref name="filter"/> is a valid subscription filter.</summary>
    public static bool IsValidSubscribeFilter(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        MosquittoLibrary.EnsureInitialized();
        using var t = new Utf8Z(filter, stackalloc byte[256]);
        fixed (byte* p = t.Bytes)
        {
            return t.Length > 0 && MosquittoNative.SubTopicCheck2(p, (nuint)t.Length) == 0;
        }
    }

    public void Dispose() => handle.Dispose();

    internal void RecordCallbackFault() => Interlocked.Increment(ref callbackFaults);

    /// <summary>Keeps an optional property list alive across a native call.</summary>
    private ref struct PropertyScope
    {
        private MosquittoPropertyList? list;
        private bool addedRef;

        public PropertyScope(MosquittoPropertyList? list)
        {
            this.list = list;
            if (list is not null)
            {
                list.DangerousAddRef(ref addedRef);
            }
        }

        public readonly nint Pointer => list is null ? nint.Zero : list.Pointer;

        /// <summary>Native code took ownership of the list: forget it without freeing.</summary>
        public void Surrender()
        {
            if (list is not null)
            {
                list.SetHandleAsInvalid();
            }
        }

        public void Dispose()
        {
            if (addedRef)
            {
                list!.DangerousRelease();
                addedRef = false;
            }

            list = null;
        }
    }
}
