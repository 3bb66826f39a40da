using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Sampling;

namespace EdgeLam.Inference.Tests.Ranges;

/// <summary>Two nodes' chains in one process: a gateway hosting blocks [0, cut) and a peer hosting [cut, N), stepped greedily.</summary>
internal sealed class Layout : IDisposable
{
    private Layout(SegmentChain gateway, LayerRange gatewayLayers, SegmentChain peer, LayerRange peerLayers)
    {
        Gateway = gateway;
        GatewayLayers = gatewayLayers;
        Peer = peer;
        PeerLayers = peerLayers;
    }

    public SegmentChain Gateway { get; }

    public LayerRange GatewayLayers { get; }

    public SegmentChain Peer { get; }

    public LayerRange PeerLayers { get; }

    public static Layout Open(BlockLibrary library, int cut, ChainOptions limits)
    {
        var gatewayLayers = library.Range(0, cut);
        var peerLayers = library.Range(cut, library.Blocks);
        var gateway = library.Open(gatewayLayers, limits);
        try
        {
            return new Layout(gateway, gatewayLayers, library.Open(peerLayers, limits), peerLayers);
        }
        catch
        {
            gateway.Dispose();
            throw;
        }
    }

    /// <summary>One step of <paramref name="tokens"/> through both chains; the greedy next token.</summary>
    public long Step(Guid conversation, long[] tokens)
    {
        Gateway.RunTokens(conversation, tokens);
        Peer.RunIncoming(conversation, Gateway.Outgoing, tokens.Length);
        return TokenSampler.ArgMax(Peer.Logits);
    }

    public void Drop(Guid conversation)
    {
        Gateway.Drop(conversation);
        Peer.Drop(conversation);
    }

    public void Dispose()
    {
        Gateway.Dispose();
        Peer.Dispose();
    }
}
