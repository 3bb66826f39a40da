using EdgeLam.Onnx.Model.Split;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Gateway.Tests.Site;

/// <summary>
/// A subscriber on <c>#</c> for a whole run: keeps every message the broker delivered, and afterwards proves the
/// privacy floor from outside (<see cref="AssertPrivacyFloor"/>).
/// </summary>
internal sealed class BrokerWatch : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly List<(string Topic, byte[] Payload)> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private BrokerWatch(MqttClient client)
    {
        _client = client;
    }

    /// <summary>Every message seen so far, in arrival order.</summary>
    public IReadOnlyList<(string Topic, byte[] Payload)> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static async Task<BrokerWatch> StartAsync(int port)
    {
        var client = MqttClient.Create(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = "broker-watch-" + Guid.NewGuid().ToString("N")[..8],
            CleanStart = true,
            ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
        });
        var watch = new BrokerWatch(client);
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync("#");
        watch._run = Task.Run(() => client.RunMessageHandlerAsync(
            (m, _) =>
            {
                lock (watch._seen)
                {
                    watch._seen.Add((m.Topic, m.Payload.ToArray()));
                }

                return ValueTask.CompletedTask;
            },
            watch._stop.Token));
        return watch;
    }

    /// <summary>
    /// Throws unless every message is on a topic of the EdgeLam scheme of <paramref name="site"/> (so no raw sensor
    /// reading or anything else left the nodes), and every activation frame (<c>act/…</c>) is a valid frame whose
    /// header's boundary equals its topic's and is cut after at least <paramref name="privacyFloor"/> blocks of the
    /// split model at <paramref name="splitModel"/> (a frame's boundary is the index of the segment it leaves; the
    /// manifest says how many blocks run before it). Returns the number of activation frames checked.
    /// </summary>
    public int AssertPrivacyFloor(string site, int privacyFloor, string splitModel)
    {
        var segments = ModelSplitter.ReadManifest(splitModel).Segments;
        var frames = 0;
        foreach (var (topic, payload) in Seen)
        {
            if (!TopicScheme.TryParse(topic, out var parsed) || parsed.Site != site)
            {
                throw new Xunit.Sdk.XunitException($"a message on {topic} ({payload.Length} bytes) is outside the EdgeLam scheme of site {site}");
            }

            if (parsed.Kind is not (TopicKind.Activation or TopicKind.PeerActivation))
            {
                continue;
            }

            var error = FrameReader.TryRead(payload, out var frame);
            if (error != FrameError.None)
            {
                throw new Xunit.Sdk.XunitException($"the activation on {topic} is not a valid frame: {error}");
            }

            var boundary = frame.Header.BoundaryIndex;
            if (boundary != parsed.Boundary || boundary >= segments.Count - 1)
            {
                throw new Xunit.Sdk.XunitException($"an activation frame with boundary {boundary} on {topic} is off its topic or past the model's last cut");
            }

            var blocks = segments[boundary].EndBlock;
            if (blocks < privacyFloor)
            {
                throw new Xunit.Sdk.XunitException($"an activation frame cut after {blocks} block(s) (boundary {boundary}, topic {topic}) is below the privacy floor of {privacyFloor}");
            }

            frames++;
        }

        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
