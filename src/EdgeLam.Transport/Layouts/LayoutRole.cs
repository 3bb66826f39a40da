namespace EdgeLam.Transport.Layouts;

/// <summary>What an orchestrated node is in every epoch (<see cref="Roles.NodeRoleOptions.Orchestrated"/>).</summary>
public enum LayoutRole
{
    /// <summary>Hosts the embedding and the first blocks, takes requests, and sends every step down the epoch's chain.</summary>
    Gateway,

    /// <summary>Hosts the range each epoch gives it (possibly another one per epoch), after the gateway.</summary>
    Peer,
}
