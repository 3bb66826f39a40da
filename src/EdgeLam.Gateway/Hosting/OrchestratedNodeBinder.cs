using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Options;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The <c>Node</c> keys of an orchestrated node (<c>Orchestration:Enabled</c>): its layout comes from the agreement,
/// so <c>Node:Segments</c> and <c>Node:PlanEpoch</c> are errors and <c>Node:Role</c> must say gateway or peer.
/// <c>Model:Path</c> is a per-block split (<c>model split --at 0,1,...,N</c>) or a whole export (a folder with
/// <c>model.onnx</c>), which is split per block once into <c>Model:WorkDirectory</c> (default
/// <c>$STATE_DIRECTORY/blocks</c>) when the daemon starts (<see cref="PerBlockModel"/>).
/// </summary>
internal static class OrchestratedNodeBinder
{
    public const string WorkDirectoryKey = "Model:WorkDirectory";

    private const string Enabled = OrchestrationOptions.SectionName + ":Enabled";

    public static NodeSettings Bind(ConfigReader r, NodeOptions node, string? model, NodeRoleOptions stage)
    {
        foreach (var key in (string[])["Node:Segments", "Node:PlanEpoch"])
        {
            if (r.String(key) is { } value)
            {
                r.Problem(key, value, "must be unset with " + Enabled + " true: the agreement gives the node its segments and plan epochs");
            }
        }

        (stage.Orchestrated, var role) = node.Role switch
        {
            NodeRole.Gateway => (LayoutRole.Gateway, "gateway"),
            NodeRole.Peer => (LayoutRole.Peer, "peer"),
            _ => ((LayoutRole?)LayoutRole.Peer, "peer"),
        };
        if (node.Role == NodeRole.Auto)
        {
            r.Problem("Node:Role", NodeOptions.RoleName(node.Role), "must be gateway or peer with " + Enabled + " true (no Node:Segments to decide from)");
        }

        var probe = NodeSectionBinder.Probe(r);
        if (model is null)
        {
            return new NodeSettings(role, null, NodeSettings.NoSegments, probe);
        }

        var full = Path.GetFullPath(model);
        PerBlockExport? export = null;
        if (ModelDirectoryKind(r, full) is not { } isSplit)
        {
            return new NodeSettings(role, null, NodeSettings.NoSegments, probe);
        }

        if (isSplit)
        {
            stage.ModelDirectory = full;
        }
        else if (WorkDirectory(r) is { } work)
        {
            export = new PerBlockExport(full, work);
            stage.ModelDirectory = export.SplitDirectory;
        }
        else
        {
            return new NodeSettings(role, null, NodeSettings.NoSegments, probe);
        }

        return new NodeSettings(role, stage, NodeSettings.NoSegments, probe, export);
    }

    /// <summary>True: a per-block split; false: a whole export; null: neither (a problem is reported).</summary>
    private static bool? ModelDirectoryKind(ConfigReader r, string model)
    {
        const string Allowed = "must be a folder with the model split at every block (model split --at 0,1,...,N) or a whole export (model.onnx) with " + Enabled + " true";
        if (!Directory.Exists(model))
        {
            r.Problem("Model:Path", model, Allowed);
            return null;
        }

        if (!File.Exists(Path.Combine(model, SplitManifest.FileName)))
        {
            if (File.Exists(Path.Combine(model, "model.onnx")))
            {
                return false;
            }

            r.Problem("Model:Path", model, Allowed);
            return null;
        }

        try
        {
            var manifest = ModelSplitter.ReadManifest(model);
            if (manifest.Segments.Count != manifest.BlockCount + 2)
            {
                r.Problem("Model:Path", model, $"{Allowed} (this split has {manifest.Segments.Count} segments for {manifest.BlockCount} blocks)");
                return null;
            }

            return true;
        }
        catch (ModelFormatException e)
        {
            r.Problem("Model:Path", model, $"{Allowed} ({e.Message})");
            return null;
        }
    }

    private static string? WorkDirectory(ConfigReader r)
    {
        if (r.String(WorkDirectoryKey) is { } work)
        {
            return Path.GetFullPath(work);
        }

        if (Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } state)
        {
            return Path.Combine(state.Split(':')[0], "blocks");
        }

        r.Problem(WorkDirectoryKey, null, "must name a writable folder for the per-block split of the export at Model:Path (or run under systemd with StateDirectory=, then $STATE_DIRECTORY/blocks is used)");
        return null;
    }
}
