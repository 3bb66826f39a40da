using System.Collections.Concurrent;
using System.Text;
using EdgeLam.Mosquitto.Interop;

namespace EdgeLam.Mosquitto.Interop.Tests;

/// <summary>Records every callback; can be told to throw from any of them.</summary>
internal sealed class RecordingCallbacks : IMosquittoCallbacks
{
    public ManualResetEventSlim Connected { get; } = new();

    public ConcurrentQueue<(string Topic, byte[] Payload, int Qos, string? ContentType, byte[]? Correlation, uint? Expiry, List<KeyValuePair<string, string>> User)> Messages { get; } = new();

    public SemaphoreSlim MessageArrived { get; } = new(0);

    public SemaphoreSlim Subscribed { get; } = new(0);

    public ConcurrentQueue<int> Published { get; } = new();

    public ConcurrentQueue<Exception> Faults { get; } = new();

    public int ConnectReason { get; private set; } = -1;

    public bool ThrowOnMessage { get; set; }

    public bool ThrowOnFaultReport { get; set; }

    public void OnConnect(int reasonCode, int flags, MosquittoPropertyView properties)
    {
        ConnectReason = reasonCode;
        Connected.Set();
    }

    public void OnDisconnect(int reasonCode, MosquittoPropertyView properties)
    {
    }

    public void OnPublish(int messageId, int reasonCode) => Published.Enqueue(messageId);

    public void OnMessage(in MosquittoMessage message, MosquittoPropertyView properties)
    {
        var user = new List<KeyValuePair<string, string>>();
        properties.ReadUserProperties(user);
        uint? expiry = properties.TryGetInt32(MqttPropertyId.MessageExpiryInterval, out var e) ? e : null;
        Messages.Enqueue((Encoding.UTF8.GetString(message.TopicUtf8), message.Payload.ToArray(), message.Qos,
            properties.GetString(MqttPropertyId.ContentType), properties.GetBinary(MqttPropertyId.CorrelationData), expiry, user));
        MessageArrived.Release();
        if (ThrowOnMessage)
        {
            throw new InvalidOperationException("consumer failure inside the libmosquitto callback");
        }
    }

    public void OnSubscribe(int messageId, ReadOnlySpan<int> grantedQos) => Subscribed.Release();

    public void OnLog(MosquittoLogLevel level, ReadOnlySpan<byte> messageUtf8)
    {
    }

    public void OnCallbackFault(Exception exception)
    {
        Faults.Enqueue(exception);
        if (ThrowOnFaultReport)
        {
            throw new InvalidOperationException("the fault reporter fails too");
        }
    }
}

/// <summary>Runs <see cref="MosquittoClient.Loop"/> on a dedicated thread until disposed.</summary>
internal sealed class LoopThread : IDisposable
{
    private readonly MosquittoClient client;
    private readonly Thread thread;
    private volatile bool stop;

    public LoopThread(MosquittoClient client)
    {
        this.client = client;
        thread = new Thread(Run) { IsBackground = true, Name = "mosquitto-test-loop" };
        thread.Start();
    }

    public void Dispose()
    {
        stop = true;
        thread.Join();
    }

    private void Run()
    {
        while (!stop)
        {
            var rc = client.Loop(50);
            if (rc != MosquittoError.Success)
            {
                Thread.Sleep(20);
            }
        }
    }
}
