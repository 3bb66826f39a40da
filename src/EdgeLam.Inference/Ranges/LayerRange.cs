using System.Globalization;

namespace EdgeLam.Inference.Ranges;

/// <summary>
/// Which transformer blocks a node hosts: blocks [<see cref="Start"/>, <see cref="End"/>) of a model of
/// <see cref="Blocks"/> blocks. A range that starts at block 0 is a gateway's and also hosts the embedding; one that
/// ends at the last block also hosts the head. Only those two may hold no block: [0, 0) is the embedding alone,
/// [N, N) the head alone. A value; <see cref="BlockLibrary"/> maps it onto the segments of a split.
/// </summary>
public readonly record struct LayerRange
{
    /// <summary>Blocks [<paramref name="start"/>, <paramref name="end"/>) of a model of <paramref name="blocks"/> blocks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the model, or is empty in the middle of it.</exception>
    public LayerRange(int start, int end, int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocks);
        if (start < 0 || end > blocks || end < start || (start == end && start != 0 && end != blocks))
        {
            throw new ArgumentOutOfRangeException(
                nameof(start),
                string.Create(CultureInfo.InvariantCulture, $"Layer range [{start}, {end}) does not lie in a model of {blocks} blocks (0 <= start <= end <= {blocks}; only [0, 0) and [{blocks}, {blocks}) may be empty)."));
        }

        Start = start;
        End = end;
        Blocks = blocks;
    }

    /// <summary>First hosted block.</summary>
    public int Start { get; }

    /// <summary>One past the last hosted block.</summary>
    public int End { get; }

    /// <summary>Blocks in the whole model.</summary>
    public int Blocks { get; }

    /// <summary>Hosted blocks.</summary>
    public int Count => End - Start;

    /// <summary>True when the range starts the model: it hosts the embedding and takes token ids (a gateway's range).</summary>
    public bool HostsEmbedding => Start == 0;

    /// <summary>True when the range ends the model: it hosts the head and yields logits.</summary>
    public bool HostsHead => End == Blocks;

    /// <summary>The blocks both ranges host, or null when they share none.</summary>
    /// <exception cref="ArgumentException">The ranges belong to models of different block counts.</exception>
    public (int Start, int End)? Shared(LayerRange other)
    {
        if (other.Blocks != Blocks)
        {
            throw new ArgumentException("Range " + other + " is of another model than " + this + ".", nameof(other));
        }

        var start = Math.Max(Start, other.Start);
        var end = Math.Min(End, other.End);
        return start < end ? (start, end) : null;
    }

    /// <summary>"[start, end) of blocks".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Start}, {End}) of {Blocks}");
}
