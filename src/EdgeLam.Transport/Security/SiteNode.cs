namespace EdgeLam.Transport.Security;

/// <summary>The role a node plays at a site, as far as the broker's access rules are concerned.</summary>
public enum SiteNodeRole
{
    /// <summary>Publishes the plan, feeds the first stage, receives the last stage's replies.</summary>
    Gateway,

    /// <summary>Runs one or more stages for a gateway.</summary>
    Peer,
}

/// <summary>
/// One stage a peer runs: it consumes activations at <see cref="Boundary"/> of <see cref="Model"/> and, unless it is
/// the last stage, feeds the activations at <see cref="NextBoundary"/>.
/// </summary>
public sealed record SiteStage(string Model, int Boundary, int? NextBoundary);

/// <summary>
/// One node of a site's node list: its id (the certificate CN and broker user name), its role, the gateway whose
/// requests it serves (a gateway serves itself) and, for a peer, the stages it runs; for a gateway, the first
/// boundaries it feeds per model.
/// </summary>
public sealed record SiteNode(string Id, SiteNodeRole Role, string Gateway, IReadOnlyList<SiteStage> Stages);
