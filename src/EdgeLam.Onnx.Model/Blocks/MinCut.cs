namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>
/// Max-flow / min-cut (Edmonds-Karp) on a small directed graph. Used to place the nodes that could sit on either
/// side of a block boundary so that as few tensors as possible cross it.
/// </summary>
internal sealed class MinCut
{
    public const int Infinite = int.MaxValue / 4;

    private readonly List<int> _to = [];
    private readonly List<int> _capacity = [];
    private readonly List<int>[] _edges;

    public MinCut(int vertexCount)
    {
        _edges = new List<int>[vertexCount];
        for (var i = 0; i < vertexCount; i++)
        {
            _edges[i] = [];
        }
    }

    public void AddEdge(int from, int to, int capacity)
    {
        _edges[from].Add(_to.Count);
        _to.Add(to);
        _capacity.Add(capacity);
        _edges[to].Add(_to.Count);
        _to.Add(from);
        _capacity.Add(0);
    }

    /// <summary>Runs max flow and returns the value; then <see cref="SinkSide"/> tells the latest minimum cut.</summary>
    public long Run(int source, int sink)
    {
        long flow = 0;
        var parentEdge = new int[_edges.Length];
        while (true)
        {
            Array.Fill(parentEdge, -1);
            var queue = new Queue<int>();
            queue.Enqueue(source);
            parentEdge[source] = -2;
            while (queue.Count > 0 && parentEdge[sink] == -1)
            {
                var v = queue.Dequeue();
                foreach (var e in _edges[v])
                {
                    var w = _to[e];
                    if (_capacity[e] > 0 && parentEdge[w] == -1)
                    {
                        parentEdge[w] = e;
                        queue.Enqueue(w);
                    }
                }
            }

            if (parentEdge[sink] == -1)
            {
                return flow;
            }

            var bottleneck = Infinite;
            for (var v = sink; v != source; v = _to[parentEdge[v] ^ 1])
            {
                bottleneck = Math.Min(bottleneck, _capacity[parentEdge[v]]);
            }

            for (var v = sink; v != source; v = _to[parentEdge[v] ^ 1])
            {
                _capacity[parentEdge[v]] -= bottleneck;
                _capacity[parentEdge[v] ^ 1] += bottleneck;
            }

            flow += bottleneck;
            if (flow >= Infinite)
            {
                return flow;
            }
        }
    }

    /// <summary>
    /// Vertices that can still reach the sink in the residual graph: the smallest sink side of a minimum cut, so the
    /// source side (everything else) is as large as possible.
    /// </summary>
    public bool[] SinkSide(int sink)
    {
        var reach = new bool[_edges.Length];
        var queue = new Queue<int>();
        reach[sink] = true;
        queue.Enqueue(sink);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var e in _edges[v])
            {
                // Edge e goes v -> w; its reverse (e ^ 1) goes w -> v. w reaches v if the reverse has capacity left.
                var w = _to[e];
                if (!reach[w] && _capacity[e ^ 1] > 0)
                {
                    reach[w] = true;
                    queue.Enqueue(w);
                }
            }
        }

        return reach;
    }
}
