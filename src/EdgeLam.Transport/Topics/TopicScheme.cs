using System.Globalization;

namespace EdgeLam.Transport.Topics;

/// <summary>
/// Builds and parses EdgeLam's MQTT topics, all under <c>edgelam/v1/{site}/</c> (see docs/protocol.md, "Topics").
/// Site, node, model and gateway names are 1–64 characters from <c>[A-Za-z0-9._-]</c>, so they can never contain
/// the MQTT separators and wildcards <c>/ + #</c> or start with <c>$</c>.
/// </summary>
public sealed class TopicScheme
{
    public const string Root = "edgelam";
    public const string Version = "v1";
    public const int MaxNameLength = 64;

    /// <summary>Boundaries are layer indices where the model is cut; 0..MaxBoundary.</summary>
    public const int MaxBoundary = 9999;

    private readonly string prefix;

    public TopicScheme(string site)
    {
        ValidateName(site, nameof(site));
        Site = site;
        prefix = $"{Root}/{Version}/{site}/";
    }

    public string Site { get; }

    /// <summary><c>edgelam/v1/{site}/</c></summary>
    public string Prefix => prefix;

    /// <summary><c>…/nodes/{node}/status</c>: retained JSON <see cref="NodeStatusMessage"/>; the node's last will.</summary>
    public string NodeStatus(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/status";

    /// <summary><c>…/nodes/{node}/capacity</c>: retained JSON <see cref="NodeCapacityMessage"/>.</summary>
    public string NodeCapacity(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/capacity";

    /// <summary><c>…/nodes/{node}/claims</c>: JSON <see cref="SessionClaimMessage"/>s addressed to the upstream node {node}.</summary>
    public string NodeClaims(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/claims";

    /// <summary><c>…/nodes/{node}/replies</c>: JSON <see cref="Roles.StepReply"/>s of the last stage to the gateway {node}.</summary>
    public string NodeReplies(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/replies";

    /// <summary>
    /// <c>…/nodes/{node}/probe</c>: JSON <see cref="ProbeMessage"/>s addressed to {node} — other nodes' probe requests,
    /// and the echoes of its own probes. Not retained; never model or sensor data.
    /// </summary>
    public string NodeProbe(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/probe";

    /// <summary>Filter for every node's probe topic: <c>…/nodes/+/probe</c> (a node writes requests and echoes to any).</summary>
    public string AllNodeProbe => prefix + "nodes/+/probe";

    /// <summary><c>…/nodes/{node}/plan-ack</c>: JSON <see cref="EdgeLam.Orchestration.Agreement.PlanAck"/>s, the node's answers to plans.</summary>
    public string NodePlanAck(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/plan-ack";

    /// <summary>Filter for every node's plan answers: <c>…/nodes/+/plan-ack</c> (the orchestrator reads them).</summary>
    public string AllNodePlanAck => prefix + "nodes/+/plan-ack";

    /// <summary>
    /// <c>…/nodes/{node}/kv</c>: binary KV handover messages (<see cref="Handover.KvMessageCodec"/>) addressed to
    /// {node} — a gateway's send orders, the KV of blocks it takes over, and acknowledgements. Not retained.
    /// </summary>
    public string NodeKv(string node) => prefix + "nodes/" + Name(node, nameof(node)) + "/kv";

    /// <summary>Filter for every node's KV handover topic: <c>…/nodes/+/kv</c> (a node writes to any).</summary>
    public string AllNodeKv => prefix + "nodes/+/kv";

    /// <summary><c>…/plan</c>: retained JSON <see cref="EdgeLam.Orchestration.Agreement.AgreedPlan"/> (epoch, phase, assignments, capacities).</summary>
    public string Plan => prefix + "plan";

    /// <summary><c>…/act/{model}/{boundary}</c>: activation frames of new conversations entering the stage after the cut.</summary>
    public string Activation(string model, int boundary) =>
        prefix + "act/" + Name(model, nameof(model)) + "/" + Boundary(boundary);

    /// <summary>
    /// The shared subscription through which every peer of a stage consumes <see cref="Activation"/>:
    /// <c>$share/{site}.{model}.b{boundary}/edgelam/v1/{site}/act/{model}/{boundary}</c>. Each message goes to exactly
    /// one member, so adding peers adds capacity.
    /// </summary>
    public string ActivationSharedSubscription(string model, int boundary) =>
        "$share/" + SharedGroup(model, boundary) + "/" + Activation(model, boundary);

    /// <summary>The shared subscription group of a stage: <c>{site}.{model}.b{boundary}</c>.</summary>
    public string SharedGroup(string model, int boundary) =>
        Site + "." + Name(model, nameof(model)) + ".b" + Boundary(boundary);

    /// <summary><c>…/act/{model}/{boundary}/{node}</c>: later steps of conversations that peer {node} holds (its KV cache; see <see cref="Envelope.ActivationRoute.Topic"/>).</summary>
    public string PeerActivation(string model, int boundary, string node) =>
        Activation(model, boundary) + "/" + Name(node, nameof(node));

    /// <summary><c>…/results/{gateway}</c>: JSON results for requests that gateway made.</summary>
    public string Results(string gateway) => prefix + "results/" + Name(gateway, nameof(gateway));

    /// <summary>
    /// <c>…/requests/{gateway}</c>: JSON <see cref="PromptRequestMessage"/>s for that gateway to run; their results
    /// carry the request's <c>id</c> on <see cref="Results"/>.
    /// </summary>
    public string Requests(string gateway) => prefix + "requests/" + Name(gateway, nameof(gateway));

    /// <summary>Filter for every node's status: <c>…/nodes/+/status</c>.</summary>
    public string AllNodeStatus => prefix + "nodes/+/status";

    /// <summary>Filter for every node's capacity: <c>…/nodes/+/capacity</c>.</summary>
    public string AllNodeCapacity => prefix + "nodes/+/capacity";

    /// <summary>Filter for every result of the site: <c>…/results/+</c>.</summary>
    public string AllResults => prefix + "results/+";

    /// <summary>True for 1–64 characters from <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidName(string? value) => value is not null && IsValidName(value.AsSpan());

    /// <summary>True for 1–64 characters from <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidName(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="what"/> unless <see cref="IsValidName"/>.</summary>
    public static void ValidateName(string? value, string what)
    {
        if (!IsValidName(value))
        {
            throw new ArgumentException(
                $"{what} '{value}' is not a valid EdgeLam topic name: 1..{MaxNameLength} characters from [A-Za-z0-9._-] (no '/', '+', '#').",
                what);
        }
    }

    /// <summary>Parses any EdgeLam v1 topic (of any site); false for anything else.</summary>
    public static bool TryParse(string? topic, out ParsedTopic parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(topic))
        {
            return false;
        }

        var p = topic.Split('/');
        if (p.Length < 4 || p[0] != Root || p[1] != Version || !IsValidName(p[2]))
        {
            return false;
        }

        var site = p[2];
        switch (p[3])
        {
            case "plan" when p.Length == 4:
                parsed = new ParsedTopic(TopicKind.Plan, site);
                return true;
            case "nodes" when p.Length == 6 && IsValidName(p[4]):
                var kind = p[5] switch
                {
                    "status" => TopicKind.NodeStatus,
                    "capacity" => TopicKind.NodeCapacity,
                    "claims" => TopicKind.NodeClaims,
                    "replies" => TopicKind.NodeReplies,
                    "plan-ack" => TopicKind.NodePlanAck,
                    "probe" => TopicKind.NodeProbe,
                    "kv" => TopicKind.NodeKv,
                    _ => (TopicKind?)null,
                };
                if (kind is null)
                {
                    return false;
                }

                parsed = new ParsedTopic(kind.Value, site) { Node = p[4] };
                return true;
            case "results" when p.Length == 5 && IsValidName(p[4]):
                parsed = new ParsedTopic(TopicKind.Results, site) { Gateway = p[4] };
                return true;
            case "requests" when p.Length == 5 && IsValidName(p[4]):
                parsed = new ParsedTopic(TopicKind.Requests, site) { Gateway = p[4] };
                return true;
            case "act" when (p.Length == 6 || (p.Length == 7 && IsValidName(p[6]))) && IsValidName(p[4]) && TryBoundary(p[5], out var boundary):
                parsed = new ParsedTopic(p.Length == 6 ? TopicKind.Activation : TopicKind.PeerActivation, site)
                {
                    Model = p[4],
                    Boundary = boundary,
                    Node = p.Length == 7 ? p[6] : null,
                };
                return true;
            default:
                return false;
        }
    }

    private static string Name(string value, string what)
    {
        ValidateName(value, what);
        return value;
    }

    private static string Boundary(int boundary)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(boundary);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(boundary, MaxBoundary);
        return boundary.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryBoundary(string text, out int boundary) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out boundary) &&
        boundary <= MaxBoundary &&
        text == boundary.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What an EdgeLam topic addresses.</summary>
public enum TopicKind
{
    NodeStatus,
    NodeCapacity,
    NodeClaims,
    NodeReplies,
    NodePlanAck,
    Plan,
    Activation,
    PeerActivation,
    Results,
    NodeProbe,
    Requests,
    NodeKv,
}

/// <summary>A parsed EdgeLam topic; fields not used by <see cref="Kind"/> are null.</summary>
public readonly record struct ParsedTopic(TopicKind Kind, string Site)
{
    public string? Node { get; init; }

    public string? Model { get; init; }

    public int? Boundary { get; init; }

    public string? Gateway { get; init; }
}
