using System.Text;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// The MQTT 5 properties of an activation message as a peer reads them (<see cref="ActivationEnvelope.TryRead"/>):
/// the input is one property per line, <c>name TAB value</c>, with the pseudo-name <c>$response</c> for the response
/// topic. An accepted envelope must hold what the daemon relies on (a valid gateway name, 1..max positions, a route of
/// valid names, a well-formed window), give up its timings without throwing, and survive the next hop unchanged: the
/// properties it writes read back to the same envelope.
/// </summary>
public sealed class EnvelopeTarget : FuzzTarget
{
    private const int MaxPositions = 512;
    private const string ResponseName = "$response";

    public override string Name => "envelope";

    public override bool IsJson => false;

    public override IReadOnlyList<byte[]> Seeds { get; } = [Seed(withWindow: false), Seed(withWindow: true)];

    public override FuzzOutcome Run(byte[] input)
    {
        var properties = Parse(input);
        var envelope = new ActivationEnvelope();
        if (!envelope.TryRead(properties, MaxPositions, out var problem))
        {
            return string.IsNullOrEmpty(problem) ? throw new InvalidOperationException("refused without a reason") : FuzzOutcome.Rejected;
        }

        if (problem is not null || envelope.Positions is < 1 or > MaxPositions || string.IsNullOrEmpty(envelope.ResponseTopic))
        {
            throw new InvalidOperationException($"accepted an envelope without positions or response topic ({envelope.Positions}, '{envelope.ResponseTopic}')");
        }

        if (envelope.Window?.Problem() is { } windowProblem)
        {
            throw new InvalidOperationException("accepted a malformed window: " + windowProblem);
        }

        _ = envelope.Timings.Count;
        var next = new ActivationEnvelope();
        if (!next.TryRead(envelope.ToProperties(nowUs: 1_764_892_800_000_000), MaxPositions, out problem))
        {
            throw new InvalidOperationException("the properties an accepted envelope writes are refused at the next hop: " + problem);
        }

        if (next.Gateway != envelope.Gateway || next.Positions != envelope.Positions || next.MaxNewTokens != envelope.MaxNewTokens
            || next.Route.ToString() != envelope.Route.ToString() || next.StopTokens.Text != envelope.StopTokens.Text
            || next.Window?.EncodeForWire() != envelope.Window?.EncodeForWire() || next.Timings.Count != envelope.Timings.Count)
        {
            throw new InvalidOperationException("the envelope changed across one hop");
        }

        return FuzzOutcome.Accepted;
    }

    /// <summary>One property per line (<c>name TAB value</c>); lines without a tab are skipped.</summary>
    private static MqttMessageProperties Parse(byte[] input)
    {
        string? response = null;
        var list = new List<MqttUserProperty>();
        foreach (var line in Encoding.UTF8.GetString(input).Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                continue;
            }

            var (name, value) = (line[..tab], line[(tab + 1)..]);
            if (name == ResponseName)
            {
                response = value;
            }
            else
            {
                list.Add(new MqttUserProperty(name, value));
            }
        }

        return new MqttMessageProperties { ResponseTopic = response, UserProperties = list };
    }

    private static byte[] Seed(bool withWindow)
    {
        var envelope = new ActivationEnvelope { Gateway = "gw-1", ResponseTopic = "edgelam/v1/site/nodes/gw-1/replies", MaxNewTokens = 16, Positions = 7 };
        envelope.StopTokens.Set([2, 13]);
        envelope.Route.Set(1, "peer-a");
        envelope.Route.Set(3, "peer-b");
        envelope.Timings.Add(new StageTiming { Node = "gw-1", FirstSegment = 0, ComputeUs = 1200, EncodeUs = 40 });
        if (withWindow)
        {
            envelope.SetWindow(new RequestWindow
            {
                StartUtc = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero),
                EndUtc = new DateTimeOffset(2026, 12, 5, 12, 0, 2, TimeSpan.Zero),
                StartNs = 1_000,
                EndNs = 2_000_001_000,
                Streams = [new RequestStream { Name = "imu", Tokenizer = "patch", Positions = 4, Sequence = 9 }],
            });
        }

        var text = new StringBuilder();
        var properties = envelope.ToProperties(nowUs: 1_764_892_800_000_000);
        text.Append(ResponseName).Append('\t').Append(properties.ResponseTopic).Append('\n');
        foreach (var p in properties.UserProperties!)
        {
            text.Append(p.Name).Append('\t').Append(p.Value).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
