using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLam.Transport.Security;

namespace EdgeLam.Gateway.Security;

/// <summary>
/// The site's node list, <c>edgelam-nodes.json</c> (see docs/security.md): the site name and, per node, its id (the
/// certificate CN), its role, its gateway (peers) and its stages. A gateway's stage names the boundary it feeds; a
/// peer's the boundary it consumes and the one it feeds (<c>next</c>, absent on the last stage).
/// </summary>
internal static class SiteNodeList
{
    public static (string Site, IReadOnlyList<SiteNode> Nodes) Load(string path)
    {
        var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), SiteNodeListJsonContext.Default.SiteNodeListFile)
            ?? throw new InvalidDataException(path + ": must hold a JSON object");
        if (string.IsNullOrEmpty(file.Site) || file.Nodes is null)
        {
            throw new InvalidDataException(path + ": must have \"site\" and \"nodes\"");
        }

        var nodes = new List<SiteNode>();
        foreach (var n in file.Nodes)
        {
            var role = n.Role switch
            {
                "gateway" => SiteNodeRole.Gateway,
                "peer" => SiteNodeRole.Peer,
                _ => throw new InvalidDataException($"{path}: node '{n.Id}' has role '{n.Role}'; must be gateway or peer"),
            };
            var id = n.Id ?? throw new InvalidDataException(path + ": every node needs an \"id\"");
            var gateway = role == SiteNodeRole.Gateway ? (n.Gateway ?? id) : (n.Gateway ?? throw new InvalidDataException($"{path}: peer '{id}' needs a \"gateway\""));
            var stages = (n.Stages ?? []).Select(s => new SiteStage(
                s.Model ?? throw new InvalidDataException($"{path}: a stage of '{id}' needs a \"model\""), s.Boundary, s.Next)).ToList();
            nodes.Add(new SiteNode(id, role, gateway, stages));
        }

        return (file.Site, nodes);
    }
}

internal sealed class SiteNodeListFile
{
    public string? Site { get; set; }

    public List<SiteNodeEntry>? Nodes { get; set; }
}

internal sealed class SiteNodeEntry
{
    public string? Id { get; set; }

    public string? Role { get; set; }

    public string? Gateway { get; set; }

    public List<SiteStageEntry>? Stages { get; set; }
}

internal sealed class SiteStageEntry
{
    public string? Model { get; set; }

    public int Boundary { get; set; }

    public int? Next { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(SiteNodeListFile))]
internal sealed partial class SiteNodeListJsonContext : JsonSerializerContext;
