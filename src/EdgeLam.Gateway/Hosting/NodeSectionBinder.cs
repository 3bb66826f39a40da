using System.Globalization;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Options;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Transport.Handover;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Hosting;

/// <summary>What <c>edgelam run</c> hosts: the resolved role and, when <c>Model:Path</c> is set, the stage to run.</summary>
/// <param name="Role">gateway or peer (<c>Node:Role auto</c> resolved from <c>Node:Segments</c>).</param>
/// <param name="Stage">The stage's options; null while no model is configured.</param>
/// <param name="Segments">The hosted segments as written in status (<c>1-1</c>).</param>
/// <param name="Probe">Link probing (<c>Node:ProbeInterval</c>, <c>Node:ProbeBytes</c>); null for the defaults.</param>
/// <param name="Export">
/// An orchestrated node given a whole export (<c>Model:Path</c> without a manifest): the export and the folder its
/// per-block split goes to (<see cref="PerBlockModel"/>); null otherwise.
/// </param>
internal sealed record NodeSettings(string Role, NodeRoleOptions? Stage, string Segments, LinkProbeSettings? Probe = null, PerBlockExport? Export = null)
{
    /// <summary>What <see cref="Segments"/> says of an orchestrated node: its segments come from the agreement, epoch by epoch.</summary>
    public const string NoSegments = "none";

    /// <summary>The node's layout comes from the agreement (<c>Orchestration:Enabled</c>), not from <c>Node:Segments</c>.</summary>
    public bool IsOrchestrated => Stage?.Orchestrated is not null;
}

/// <summary>
/// Binds the stage keys of section <c>Node</c> (Segments, Wire, ContextLimit, StepTimeout, MaxAttempts, ResultTopK,
/// Throttle, PlanEpoch) together with the already bound <c>Node:Name/Role/Site</c> and <c>Model:Path</c> into
/// <see cref="NodeRoleOptions"/>, and checks them against the split model's manifest (segment range, role). Name,
/// Role, Site and the existence of Model:Path are reported by the daemon's own options, so not twice here.
/// </summary>
internal sealed class NodeSectionBinder : IConfigSectionBinder
{
    public string Section => NodeOptions.Section;

    public object Bind(ConfigReader reader, EdgeLamSettings settings) => Bind(reader, settings.Node, settings.Model);

    /// <summary>Binds; problems go to <paramref name="r"/> (which already holds those of <c>Node</c> and <c>Model</c>).</summary>
    public static NodeSettings Bind(ConfigReader r, NodeOptions node, ModelOptions modelOptions)
    {
        var model = modelOptions.Path;
        var modelExists = model is not null && r.Problems.All(p => p.Key != "Model:Path");
        if (bool.TryParse(r.String(OrchestrationOptions.SectionName + ":Enabled"), out var orchestrated) && orchestrated)
        {
            return OrchestratedNodeBinder.Bind(r, node, modelExists ? model : null, Stage(r, node));
        }

        var stage = Stage(r, node);
        stage.PlanEpoch = (uint)r.Int("Node:PlanEpoch", 1, 1, int.MaxValue);

        var segmentCount = modelExists ? SegmentCount(r, model!) : null;
        var raw = r.String("Node:Segments");
        int first, last;
        if (raw is null)
        {
            // Defaults: a gateway runs segment 0, a peer everything after it.
            (first, last) = node.Role == NodeRole.Peer ? (1, Math.Max(1, (segmentCount ?? 2) - 1)) : (0, 0);
        }
        else if (!TryParseRange(raw, out first, out last))
        {
            r.Problem("Node:Segments", raw, "must be a range A-B of segment indexes with 0 <= A <= B (0-0 on the gateway, 1-1 on the peer of a 2-segment model)");
            (first, last) = (0, 0);
        }

        var role = node.Role switch
        {
            NodeRole.Gateway => "gateway",
            NodeRole.Peer => "peer",
            _ => first == 0 ? "gateway" : "peer",
        };
        var segments = string.Create(CultureInfo.InvariantCulture, $"{first}-{last}");
        if (node.Role == NodeRole.Gateway && first != 0)
        {
            r.Problem("Node:Segments", segments, "must start at 0 with Node:Role gateway (the gateway runs segment 0)");
        }
        else if (node.Role == NodeRole.Peer && first == 0)
        {
            r.Problem("Node:Segments", segments, "must start at 1 or later with Node:Role peer (segment 0 is the gateway's)");
        }
        else if (segmentCount is { } count)
        {
            if (last >= count)
            {
                r.Problem("Node:Segments", segments, $"must lie within 0-{count - 1}: the model at Model:Path has {count} segments");
            }
            else if (first == 0 && last == count - 1)
            {
                r.Problem("Node:Segments", segments, $"must leave segments to peers: the model at Model:Path has {count} segments, so a gateway runs 0-A with A < {count - 1}");
            }
        }

        stage.FirstSegment = first;
        stage.LastSegment = last;
        stage.ModelDirectory = modelExists ? Path.GetFullPath(model!) : string.Empty;
        return new NodeSettings(role, modelExists ? stage : null, segments, Probe(r));
    }

    /// <summary>The keys every stage has, static or orchestrated (Wire, ContextLimit and the reloadable tuning).</summary>
    private static NodeRoleOptions Stage(ConfigReader r, NodeOptions node)
    {
        var codec = WireCodec.Raw;
        if (r.String("Node:Wire") is { } wire && !WireCodecNames.TryParse(wire, out codec))
        {
            r.Problem("Node:Wire", wire, "must be one of " + string.Join(", ", WireCodecNames.All));
        }

        var handover = KvHandoverMode.Measured;
        if (r.String("Node:KvHandover") is { } mode && (!Enum.TryParse(mode, ignoreCase: true, out handover) || !Enum.IsDefined(handover) || char.IsDigit(mode[0])))
        {
            r.Problem("Node:KvHandover", mode, "must be measured, always or off");
        }

        return new NodeRoleOptions
        {
            Site = node.Site ?? "default",
            Node = node.Name,
            Codec = codec,
            KvHandover = handover,
            KvHandoverTimeout = r.Duration("Node:KvHandoverTimeout", TimeSpan.FromSeconds(5), NodeRoleOptions.MinKvHandoverTimeout, NodeRoleOptions.MaxTimeout),
            ContextLimit = r.Int("Node:ContextLimit", ChainOptions.DefaultContextLimit, NodeRoleOptions.MinContextLimit, NodeRoleOptions.MaxContextLimit),
            Tuning = new StageTuning(
                r.Duration("Node:StepTimeout", StageTuning.Default.StepTimeout, NodeRoleOptions.MinStepTimeout, NodeRoleOptions.MaxTimeout),
                r.Int("Node:MaxAttempts", StageTuning.Default.MaxAttempts, 1, NodeRoleOptions.MaxMaxAttempts),
                r.Int("Node:ResultTopK", StageTuning.Default.ResultTopK, 1, NodeRoleOptions.MaxResultTopK),
                r.Double("Node:Throttle", StageTuning.Default.Throttle, StepThrottle.None, StepThrottle.Max)),
        };
    }

    /// <summary>Link probing: <c>Node:ProbeInterval</c>, <c>Node:ProbeBytes</c>.</summary>
    internal static LinkProbeSettings Probe(ConfigReader r)
    {
        var d = new LinkProbeSettings();
        return d with
        {
            Interval = r.Duration("Node:ProbeInterval", d.Interval, TimeSpan.Zero, TimeSpan.FromHours(1)),
            LargeBytes = r.Int("Node:ProbeBytes", d.LargeBytes, 0, ProbeMessage.MaxPaddingBytes),
        };
    }

    /// <summary>Parses <c>A-B</c> (or a single <c>A</c>) with 0 &lt;= A &lt;= B.</summary>
    public static bool TryParseRange(string text, out int first, out int last)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var a = dash < 0 ? text : text[..dash];
        var b = dash < 0 ? text : text[(dash + 1)..];
        first = last = 0;
        return int.TryParse(a.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && int.TryParse(b.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && first <= last;
    }

    private static int? SegmentCount(ConfigReader r, string model)
    {
        var manifest = Path.Combine(model, SplitManifest.FileName);
        if (!File.Exists(manifest))
        {
            r.Problem("Model:Path", model, $"must be a split model directory with {SplitManifest.FileName} (run `edgelam model split`)");
            return null;
        }

        try
        {
            var parsed = ModelSplitter.ReadManifest(model);
            if (parsed.Segments.Count == 0)
            {
                r.Problem("Model:Path", model, $"must be a split model directory ({manifest} lists no segments)");
                return null;
            }

            return parsed.Segments.Count;
        }
        catch (ModelFormatException e)
        {
            r.Problem("Model:Path", model, $"must be a split model directory ({e.Message})");
            return null;
        }
    }
}
