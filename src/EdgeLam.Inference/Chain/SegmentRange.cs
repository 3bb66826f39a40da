using System.Globalization;

namespace EdgeLam.Inference.Chain;

/// <summary>
/// Which segments of a model a chain hosts: <see cref="First"/>..<see cref="Last"/> of <see cref="Total"/>, a
/// contiguous range at the start (it takes token ids or embeddings), in the middle, or at the end (it yields logits).
/// A value, so a node that hosts another range opens a chain for it.
/// </summary>
public readonly record struct SegmentRange
{
    /// <summary>Segments <paramref name="first"/>..<paramref name="last"/> of a model of <paramref name="total"/> segments.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or does not lie inside the model.</exception>
    public SegmentRange(int first, int last, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(last, total);
        First = first;
        Last = last;
        Total = total;
    }

    /// <summary>Index of the first hosted segment.</summary>
    public int First { get; }

    /// <summary>Index of the last hosted segment.</summary>
    public int Last { get; }

    /// <summary>Segments in the whole model.</summary>
    public int Total { get; }

    /// <summary>Hosted segments.</summary>
    public int Count => Last - First + 1;

    /// <summary>True when the range starts the model (takes token ids or embeddings).</summary>
    public bool IsFirst => First == 0;

    /// <summary>True when the range ends the model (yields logits).</summary>
    public bool IsLast => Last == Total - 1;

    /// <summary>The cut in front of the range (index of the upstream segment), or -1 when the range starts the model.</summary>
    public int IncomingBoundary => First - 1;

    /// <summary>The cut behind the range (index of its last segment), or -1 when the range ends the model.</summary>
    public int OutgoingBoundary => IsLast ? -1 : Last;

    /// <summary>Every segment of a model of <paramref name="total"/> segments.</summary>
    public static SegmentRange All(int total) => new(0, total - 1, total);

    /// <summary>"first-last of total".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{First}-{Last} of {Total}");
}
