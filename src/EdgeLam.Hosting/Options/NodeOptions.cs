using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

public enum NodeRole
{
    /// <summary>Decides from the model assignment: the node holding the first segment is the gateway.</summary>
    Auto,

    /// <summary>Reads sensors, runs the first segment, publishes results.</summary>
    Gateway,

    /// <summary>Runs later segments for a gateway.</summary>
    Peer,
}

/// <summary>Section <c>Node</c>: who this node is.</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    private static readonly KeyValuePair<string, NodeRole>[] Roles =
        [new("auto", NodeRole.Auto), new("gateway", NodeRole.Gateway), new("peer", NodeRole.Peer)];

    /// <summary>Node name, one MQTT topic level (default: the host name).</summary>
    public string Name { get; init; } = DefaultName();

    public NodeRole Role { get; init; } = NodeRole.Auto;

    /// <summary>Optional site (topic level grouping nodes of one installation).</summary>
    public string? Site { get; init; }

    public static NodeOptions Bind(ConfigReader r) => new()
    {
        Name = r.TopicSafeName("Node:Name", DefaultName())!,
        Role = r.Choice("Node:Role", NodeRole.Auto, Roles),
        Site = r.TopicSafeName("Node:Site", null),
    };

    public static string RoleName(NodeRole role) => Roles.First(r => r.Value == role).Key;

    /// <summary>The host name made topic-safe (any other character becomes '-').</summary>
    public static string DefaultName()
    {
        var host = Environment.MachineName;
        var chars = host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').Take(64).ToArray();
        var name = new string(chars);
        return ConfigReader.IsTopicSafe(name, 64) ? name : "edgelam";
    }
}
