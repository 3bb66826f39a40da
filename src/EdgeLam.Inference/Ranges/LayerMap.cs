using System.Globalization;
using EdgeLam.Inference.Chain;

namespace EdgeLam.Inference.Ranges;

/// <summary>
/// Maps layer ranges onto the segments of one split, free of I/O: segment i holds blocks
/// [<c>FirstBlock</c>, <c>EndBlock</c>) (the embedding-only segment of a cut at 0 holds [0, 0), the head-only
/// segment of a cut at N holds [N, N)), so a layer range's ends must be cuts of the split; a per-block split
/// (<c>model split --at 0,1,...,N</c>) has every boundary as a cut and hosts any range.
/// </summary>
public sealed class LayerMap
{
    private readonly (int First, int End)[] _segments;
    private readonly IReadOnlyList<string>[] _blockKv;

    /// <summary>Creates the map of a split.</summary>
    /// <param name="blocks">Blocks of the model.</param>
    /// <param name="segments">Per segment in chain order, the blocks it holds.</param>
    /// <param name="blockKv">Per block, the past KV inputs it reads (<c>past_key_values.N.key</c>, ...).</param>
    /// <exception cref="InferenceException">The segments do not tile blocks 0..N in order (e.g. a manual tensor cut).</exception>
    public LayerMap(int blocks, IReadOnlyList<(int FirstBlock, int EndBlock)> segments, IReadOnlyList<IReadOnlyList<string>> blockKv)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(blockKv);
        if (blocks <= 0)
        {
            throw new InferenceException("The split names no transformer blocks (a manual tensor cut?); layer ranges need a split at block boundaries.");
        }

        if (blockKv.Count != blocks)
        {
            throw new InferenceException("The split describes " + blockKv.Count + " blocks; it has " + blocks + ".");
        }

        var next = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var (first, end) = segments[i];
            if (first != next || end < first || end > blocks)
            {
                throw new InferenceException(string.Create(CultureInfo.InvariantCulture, $"Segment {i} holds blocks [{first}, {end}); after the segments before it, it must start at block {next} (a split at block boundaries tiles blocks 0..{blocks} in order)."));
            }

            next = end;
        }

        if (segments.Count == 0 || next != blocks)
        {
            throw new InferenceException("The segments end at block " + next + "; the model has " + blocks + ".");
        }

        Blocks = blocks;
        _segments = [.. segments];
        _blockKv = [.. blockKv];
        Cuts = [.. _segments[..^1].Select(s => s.End)];
    }

    /// <summary>Blocks of the model.</summary>
    public int Blocks { get; }

    /// <summary>Segments of the split.</summary>
    public int Segments => _segments.Length;

    /// <summary>The block boundaries the split cuts at, ascending (a range may start or end only at one of them, or at 0 or N).</summary>
    public IReadOnlyList<int> Cuts { get; }

    /// <summary>The segments that host <paramref name="layers"/>: the embedding with a range from block 0, the head with one to block N.</summary>
    /// <exception cref="InferenceException">The range is of another model, or an end of it is not a cut of this split.</exception>
    public SegmentRange Map(LayerRange layers)
    {
        if (layers.Blocks != Blocks)
        {
            throw new InferenceException("Layer range " + layers + " is of a model of " + layers.Blocks + " blocks; this split has " + Blocks + ".");
        }

        var first = layers.HostsEmbedding ? 0 : SegmentEndingAt(layers.Start, layers) + 1;
        var last = layers.HostsHead ? _segments.Length - 1 : SegmentEndingAt(layers.End, layers);
        return new SegmentRange(first, last, _segments.Length);
    }

    /// <summary>The past KV inputs of blocks [<paramref name="start"/>, <paramref name="end"/>), in block order.</summary>
    public IReadOnlyList<string> KvTensors(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, Blocks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, end);
        return [.. _blockKv[start..end].SelectMany(k => k)];
    }

    private int SegmentEndingAt(int boundary, LayerRange layers)
    {
        // Only the last segment may end at N without a cut there; a cut is the end of a segment that is not the last.
        for (var i = 0; i < _segments.Length - 1; i++)
        {
            if (_segments[i].End == boundary)
            {
                return i;
            }
        }

        throw new InferenceException(string.Create(
            CultureInfo.InvariantCulture,
            $"Layer range {layers} needs a cut at block boundary {boundary}; this split cuts at {(Cuts.Count == 0 ? "none" : string.Join(",", Cuts))}. Split at every block (model split --at 0,1,...,{Blocks}) to host any range."));
    }
}
