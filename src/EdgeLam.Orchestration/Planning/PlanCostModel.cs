using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// The cost model of docs/orchestration.md, compiled from a validated problem into arrays: stage times, memory needs,
/// transfers and returns, each as decode-step and prefill milliseconds. Shared by the planner and the evaluator.
/// </summary>
internal sealed class PlanCostModel
{
    private readonly double[] _units;
    private readonly long[] _weights;
    private readonly long[] _kv;
    private readonly NodeLink?[,] _links;
    private readonly Dictionary<string, int> _index;
    private readonly double[] _stageFixed;
    private readonly double[] _stagePerUnit;

    public PlanCostModel(PlanningProblem problem)
    {
        Problem = problem;
        var costs = problem.Costs;
        BlockCount = costs.BlockCount;
        _units = new double[BlockCount + 1];
        _weights = new long[BlockCount + 1];
        _kv = new long[BlockCount + 1];
        for (var b = 0; b < BlockCount; b++)
        {
            _units[b + 1] = _units[b] + costs.Blocks[b].ComputeUnits;
            _weights[b + 1] = _weights[b] + costs.Blocks[b].WeightBytes;
            _kv[b + 1] = _kv[b] + costs.Blocks[b].KvBytesPerPosition;
        }

        var nodes = problem.Nodes;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            _index[nodes[i].Id] = i;
        }

        _links = new NodeLink?[nodes.Count, nodes.Count];
        foreach (var link in problem.Links)
        {
            _links[_index[link.From], _index[link.To]] = link;
        }

        Gateways = [.. Enumerable.Range(0, nodes.Count).Where(i => nodes[i].IsGateway)];
        Peers = [.. Enumerable.Range(0, nodes.Count).Where(i => !nodes[i].IsGateway && nodes[i].EligibleAsPeer)];
        TotalWeight = Gateways.Sum(g => nodes[g].RequestWeight);
        PrefillWeight = problem.Objective.PrefillWeight;
        PromptLength = problem.Objective.PromptLength;

        // Objective of a stage = scale · (1 + w) · O + scale · (D + w · F · P) · units.
        _stageFixed = new double[nodes.Count];
        _stagePerUnit = new double[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            var scale = n.LoadFactor * (n.IsGateway ? n.RequestWeight : TotalWeight);
            _stageFixed[i] = scale * (1 + PrefillWeight) * n.StepOverheadMs;
            _stagePerUnit[i] = scale * (n.DecodeMsPerUnit + (PrefillWeight * n.PrefillMsPerPositionPerUnit * PromptLength));
        }
    }

    public PlanningProblem Problem { get; }

    public int BlockCount { get; }

    /// <summary>Node indices of the gateways, in problem order.</summary>
    public int[] Gateways { get; }

    /// <summary>Node indices of the eligible peers, in problem order.</summary>
    public int[] Peers { get; }

    /// <summary>Sum of the gateways' request weights (R).</summary>
    public double TotalWeight { get; }

    public double PrefillWeight { get; }

    public int PromptLength { get; }

    public int IndexOf(string node) => _index[node];

    public PlanningNode Node(int index) => Problem.Nodes[index];

    /// <summary>The objective's combination of one part's decode and prefill milliseconds.</summary>
    public double Objective(Ms ms) => ms.Decode + (PrefillWeight * ms.Prefill);

    /// <summary>Share of gateway <paramref name="gateway"/> in the request-weighted mean.</summary>
    public double Share(int gateway) => Node(gateway).RequestWeight / TotalWeight;

    /// <summary>Sessions whose KV cache a node holds: its own for a gateway, every gateway's for a peer.</summary>
    public long Sessions(int node) =>
        (long)Problem.Constraints.SessionsPerGateway * (Node(node).IsGateway ? 1 : Gateways.Length);

    /// <summary>Bytes a node needs to host blocks [a, b) (plus embedding/head), saturating at long.MaxValue.</summary>
    public long MemoryNeed(int node, int a, int b, bool embedding, bool head)
    {
        Int128 need = _weights[b] - _weights[a];
        need += (Int128)(_kv[b] - _kv[a]) * Problem.Constraints.ContextLimit * Sessions(node);
        if (embedding)
        {
            need += Problem.Costs.Embedding.WeightBytes;
        }

        if (head)
        {
            need += Problem.Costs.Head.WeightBytes;
        }

        return need > long.MaxValue ? long.MaxValue : (long)need;
    }

    public bool Fits(int node, int a, int b, bool embedding, bool head) =>
        MemoryNeed(node, a, b, embedding, head) <= Node(node).MemoryAvailableBytes;

    /// <summary>Compute time of a stage on a node, scaled by its load and the request weight it serves.</summary>
    public Ms Stage(int node, int a, int b, bool embedding, bool head)
    {
        var n = Node(node);
        var units = _units[b] - _units[a];
        if (embedding)
        {
            units += Problem.Costs.Embedding.ComputeUnits;
        }

        if (head)
        {
            units += Problem.Costs.Head.ComputeUnits;
        }

        var scale = n.LoadFactor * (n.IsGateway ? n.RequestWeight : TotalWeight);
        return new Ms(
            scale * (n.StepOverheadMs + (n.DecodeMsPerUnit * units)),
            scale * (n.StepOverheadMs + (n.PrefillMsPerPositionPerUnit * PromptLength * units)));
    }

    /// <summary>
    /// <see cref="Objective"/> of <see cref="Stage"/> for blocks [a, b) without embedding or head, computed without
    /// intermediate values (the search's inner loop).
    /// </summary>
    public double StageObjective(int node, int a, int b) =>
        _stageFixed[node] + (_stagePerUnit[node] * (_units[b] - _units[a]));

    /// <summary>Codecs allowed at boundary <paramref name="boundary"/>.</summary>
    public IReadOnlyList<WireCodec> AllowedCodecs(int boundary) =>
        Problem.Constraints.CutCodecs.TryGetValue(boundary, out var codecs) ? codecs : Problem.Constraints.AllowedCodecs;

    /// <summary>Time to send the activations of a cut at <paramref name="boundary"/> from one node to another with a codec; null when impossible.</summary>
    public Ms? Transfer(int from, int to, int boundary, WireCodec codec)
    {
        var link = _links[from, to];
        var bytes = Problem.Costs.Cuts[boundary]?.BytesPerPosition(codec);
        if (link is null || bytes is not { } perPosition)
        {
            return null;
        }

        var msPerByte = (1000.0 / link.BytesPerSecond) + Problem.CodecMsPerByte.GetValueOrDefault(codec);
        var oneWay = link.RoundTripMs / 2;
        return new Ms(oneWay + (perPosition * msPerByte), oneWay + (perPosition * (double)PromptLength * msPerByte));
    }

    /// <summary>The cheapest allowed codec for a cut and its time; null when the cut is impossible on this link.</summary>
    public (WireCodec Codec, Ms Time)? BestTransfer(int from, int to, int boundary)
    {
        (WireCodec, Ms)? best = null;
        var bestObjective = double.PositiveInfinity;
        foreach (var codec in AllowedCodecs(boundary).Distinct().Order())
        {
            if (Transfer(from, to, boundary, codec) is { } time && Objective(time) < bestObjective)
            {
                bestObjective = Objective(time);
                best = (codec, time);
            }
        }

        return best;
    }

    /// <summary>Time for the last node to return its result to a gateway; null without a link.</summary>
    public Ms? Return(int from, int gateway)
    {
        var link = _links[from, gateway];
        if (link is null)
        {
            return null;
        }

        var ms = (link.RoundTripMs / 2) + (Problem.Costs.ResultBytes * 1000.0 / link.BytesPerSecond);
        return new Ms(ms, ms);
    }

    public bool HasLink(int from, int to) => _links[from, to] is not null;
}

/// <summary>Milliseconds of one part of a chain, for a decode step and for a prefill.</summary>
internal readonly record struct Ms(double Decode, double Prefill)
{
    public static Ms operator +(Ms a, Ms b) => new(a.Decode + b.Decode, a.Prefill + b.Prefill);

    public static Ms Add(Ms a, Ms b) => a + b;
}
