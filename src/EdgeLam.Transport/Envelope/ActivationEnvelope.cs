using System.Globalization;
using System.Text.Json;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Envelope;

/// <summary>
/// Everything an activation message carries besides its frame: the MQTT 5 response topic and correlation data and the
/// <see cref="EnvelopeProperty"/> user properties (gateway, positions, route, timings, times, token limit, stop
/// tokens, window). The gateway fills one per request; a peer reads each message into its one instance, reusing its
/// storage (a decode step of a conversation it holds allocates nothing to read), and writes the next hop's properties
/// from it. Pure: the caller passes the clock's value.
/// </summary>
public sealed class ActivationEnvelope
{
    /// <summary>The content type of an activation message.</summary>
    public const string ContentType = "application/vnd.edgelam.frame";

    private readonly List<StageTiming> _timings = [];
    private IReadOnlyList<MqttUserProperty>? _received;
    private string? _timingsText;
    private string? _windowText;

    /// <summary>The gateway that made the request.</summary>
    public string? Gateway { get; set; }

    /// <summary>Where the last stage answers the gateway (its <c>nodes/{gateway}/replies</c> topic).</summary>
    public string? ResponseTopic { get; set; }

    /// <summary>Opaque bytes the last stage echoes in its reply.</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; set; }

    /// <summary>Positions the step adds.</summary>
    public int Positions { get; set; }

    /// <summary>Who holds the conversation after each cut, and the topic choice that follows from it.</summary>
    public ActivationRoute Route { get; } = new();

    /// <summary>When the step started at the gateway (µs, Unix epoch).</summary>
    public long StepStartUs { get; set; }

    /// <summary>When the message was sent (µs, Unix epoch; set when read).</summary>
    public long SentAtUs { get; private set; }

    /// <summary>Time on the wire so far (µs).</summary>
    public long WireUs { get; set; }

    /// <summary>The request's token limit (0: none).</summary>
    public int MaxNewTokens { get; set; }

    /// <summary>The request's stop tokens.</summary>
    public StopTokens StopTokens { get; } = new();

    /// <summary>The request's sensor window metadata, if any.</summary>
    public RequestWindow? Window { get; private set; }

    /// <summary>The id the request's sender gave it (1–64 of <c>[A-Za-z0-9._-]</c>), if any; echoed in the results.</summary>
    public string? RequestId { get; set; }

    /// <summary>The stages' timings so far, the gateway first (read from the message on first use).</summary>
    public List<StageTiming> Timings
    {
        get
        {
            if (_timingsText is { } text)
            {
                _timingsText = null;
                _timings.Clear();
                try
                {
                    _timings.AddRange(JsonSerializer.Deserialize(text, RoleJsonContext.Default.ListStageTiming) ?? []);
                }
                catch (JsonException)
                {
                    // Timings are diagnostics: unreadable ones are dropped, the step still runs.
                }
            }

            return _timings;
        }
    }

    /// <summary>True when the request ends with <paramref name="token"/> made at <paramref name="step"/> (limit or stop token).</summary>
    public bool IsFinal(uint step, long token) => IsLastStep(step) || StopTokens.Contains(token);

    /// <summary>True when <paramref name="step"/> makes the request's last allowed token (<see cref="MaxNewTokens"/>): no step follows it.</summary>
    public bool IsLastStep(uint step) => MaxNewTokens > 0 && step + 1 >= (uint)MaxNewTokens;

    /// <summary>Sets the window the request was made from (the gateway, once per request).</summary>
    /// <exception cref="ArgumentException">The window is invalid or too large to travel.</exception>
    public void SetWindow(RequestWindow? window)
    {
        Window = window;
        _windowText = window?.EncodeForWire();
    }

    /// <summary>
    /// Reads a received message's properties into this envelope; false, with the reason, when the message lacks a
    /// valid gateway, response topic or position count (1..<paramref name="maxPositions"/>), or carries a bad window.
    /// </summary>
    public bool TryRead(in MqttMessageProperties properties, int maxPositions, out string? problem)
    {
        Gateway = null;
        Positions = 0;
        StepStartUs = SentAtUs = WireUs = 0;
        MaxNewTokens = 0;
        RequestId = null;
        _timingsText = null;
        _timings.Clear();
        _received = properties.UserProperties;
        ResponseTopic = properties.ResponseTopic;
        CorrelationData = properties.CorrelationData;
        string? route = null, stops = null, window = null;
        var received = _received ?? [];
        for (var i = 0; i < received.Count; i++)
        {
            var p = received[i];
            switch (p.Name)
            {
                case EnvelopeProperty.Gateway: Gateway = p.Value; break;
                case EnvelopeProperty.Positions: Positions = (int)Math.Clamp(ParseLong(p.Value), 0, int.MaxValue); break;
                case EnvelopeProperty.Route: route = p.Value; break;
                case EnvelopeProperty.Timings: _timingsText = p.Value; break;
                case EnvelopeProperty.StepStart: StepStartUs = ParseLong(p.Value); break;
                case EnvelopeProperty.SentAt: SentAtUs = ParseLong(p.Value); break;
                case EnvelopeProperty.Wire: WireUs = ParseLong(p.Value); break;
                case EnvelopeProperty.MaxNewTokens: MaxNewTokens = (int)Math.Clamp(ParseLong(p.Value), 0, int.MaxValue); break;
                case EnvelopeProperty.StopTokens: stops = p.Value; break;
                case EnvelopeProperty.Window: window = p.Value; break;
                case EnvelopeProperty.RequestId: RequestId = p.Value; break;
            }
        }

        Route.Read(route);
        StopTokens.Read(stops);
        problem = !TopicScheme.IsValidName(Gateway) || string.IsNullOrEmpty(ResponseTopic) ? "activation without a gateway or response topic"
            : Positions <= 0 || Positions > maxPositions ? "activation without a valid position count (" + EnvelopeProperty.Positions + ")"
            : RequestId is not null && !TopicScheme.IsValidName(RequestId) ? "bad " + EnvelopeProperty.RequestId + ": must be 1-64 of [A-Za-z0-9._-]"
            : ReadWindow(window);
        return problem is null;
    }

    /// <summary>The properties of the next activation message, sent at <paramref name="nowUs"/>; user properties the envelope does not own are passed on.</summary>
    public MqttMessageProperties ToProperties(long nowUs)
    {
        var list = new List<MqttUserProperty>(12);
        var received = _received ?? [];
        for (var i = 0; i < received.Count; i++)
        {
            if (!EnvelopeProperty.IsOwned(received[i].Name))
            {
                list.Add(received[i]);
            }
        }

        list.Add(new(EnvelopeProperty.Gateway, Gateway ?? string.Empty));
        list.Add(new(EnvelopeProperty.Positions, Format(Positions)));
        list.Add(new(EnvelopeProperty.Route, Route.ToString()));
        list.Add(new(EnvelopeProperty.Timings, _timingsText ?? JsonSerializer.Serialize(_timings, RoleJsonContext.Default.ListStageTiming)));
        list.Add(new(EnvelopeProperty.StepStart, Format(StepStartUs)));
        list.Add(new(EnvelopeProperty.SentAt, Format(nowUs)));
        list.Add(new(EnvelopeProperty.Wire, Format(WireUs)));
        list.Add(new(EnvelopeProperty.MaxNewTokens, Format(MaxNewTokens)));
        list.Add(new(EnvelopeProperty.StopTokens, StopTokens.Text));
        if (_windowText is not null)
        {
            list.Add(new(EnvelopeProperty.Window, _windowText));
        }

        if (RequestId is not null)
        {
            list.Add(new(EnvelopeProperty.RequestId, RequestId));
        }

        return new MqttMessageProperties
        {
            ResponseTopic = ResponseTopic,
            CorrelationData = CorrelationData,
            ContentType = ContentType,
            UserProperties = list,
        };
    }

    private string? ReadWindow(string? text)
    {
        if (text is null)
        {
            Window = null;
            _windowText = null;
            return null;
        }

        if (string.Equals(text, _windowText, StringComparison.Ordinal))
        {
            return null;
        }

        if (!RequestWindow.TryDecode(text, out var window, out var problem))
        {
            Window = null;
            _windowText = null;
            return "bad " + EnvelopeProperty.Window + ": " + problem;
        }

        Window = window;
        _windowText = text;
        return null;
    }

    private static long ParseLong(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
