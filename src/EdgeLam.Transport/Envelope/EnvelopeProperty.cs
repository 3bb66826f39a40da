namespace EdgeLam.Transport.Envelope;

/// <summary>The MQTT 5 user properties of an activation message (docs/protocol.md, "Activation envelope").</summary>
public static class EnvelopeProperty
{
    /// <summary>The gateway that made the request (results go to <c>results/{gateway}</c>).</summary>
    public const string Gateway = "edgelam-gateway";

    /// <summary>Positions the step adds (the input length for a prefill, 1 for a decode step).</summary>
    public const string Positions = "edgelam-positions";

    /// <summary>Boundary → node holding the conversation's KV cache after that cut (<c>"0=peer-a;1=peer-b;"</c>).</summary>
    public const string Route = "edgelam-route";

    /// <summary>The stages' timings so far (JSON array of <c>StageTiming</c>), the gateway first.</summary>
    public const string Timings = "edgelam-timings";

    /// <summary>When the step started at the gateway (µs since the Unix epoch, the gateway's clock).</summary>
    public const string StepStart = "edgelam-step-start-us";

    /// <summary>When the message was published (µs since the Unix epoch, the sender's clock).</summary>
    public const string SentAt = "edgelam-sent-us";

    /// <summary>Time on the wire so far (µs): the sum of every hop's receive time minus its send time.</summary>
    public const string Wire = "edgelam-wire-us";

    /// <summary>The request's token limit: the step that makes this many tokens is final.</summary>
    public const string MaxNewTokens = "edgelam-max-new-tokens";

    /// <summary>The request's stop tokens, comma-separated (<see cref="StopTokens"/>).</summary>
    public const string StopTokens = "edgelam-stop-tokens";

    /// <summary>The request's sensor window metadata (<c>RequestWindow</c> as compact JSON), when it came from sensors.</summary>
    public const string Window = "edgelam-window";

    /// <summary>The id the request's sender gave it (<c>requests/{gateway}</c>), echoed as the results' <c>id</c>.</summary>
    public const string RequestId = "edgelam-request-id";

    /// <summary>True for a name the envelope owns (others are passed on unchanged).</summary>
    public static bool IsOwned(string name) =>
        name is Gateway or Positions or Route or Timings or StepStart or SentAt or Wire or MaxNewTokens or StopTokens or Window or RequestId;
}
