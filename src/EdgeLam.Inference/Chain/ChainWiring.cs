namespace EdgeLam.Inference.Chain;

/// <summary>Where a hosted segment's input comes from: output <see cref="Index"/> of hosted segment <see cref="Segment"/>, or incoming tensor <see cref="Index"/> when <see cref="Segment"/> is -1.</summary>
/// <param name="Segment">Index within the chain of the producing segment, or -1 for the incoming frame.</param>
/// <param name="Index">Output index of that segment, or tensor index in the incoming frame.</param>
public readonly record struct TensorSource(int Segment, int Index)
{
    /// <summary>True when the tensor arrives with the incoming frame.</summary>
    public bool IsIncoming => Segment < 0;
}

/// <summary>
/// Connects the segments of a chain by tensor name, free of ORT: each input of a hosted segment comes from the nearest
/// earlier hosted segment that outputs it, else from what the chain receives (for a later range of a decoder, the
/// incoming frame, which carries the first hosted segment's boundary inputs; for <see cref="SplitModelRunner"/>, the
/// model's inputs); the outgoing frame carries the tensors the next range takes, all outputs of the last hosted segment.
/// </summary>
public static class ChainWiring
{
    /// <summary>The source of every boundary input of every hosted segment.</summary>
    /// <param name="range">The hosted range.</param>
    /// <param name="names">Per hosted segment, a label for errors.</param>
    /// <param name="boundaryInputs">Per hosted segment, its boundary inputs in the order it takes them.</param>
    /// <param name="outputs">Per hosted segment, its outputs in session order.</param>
    /// <param name="incoming">The tensors the chain receives, in order (empty for the first range of a decoder).</param>
    /// <exception cref="InferenceException">An input has no source.</exception>
    public static TensorSource[][] Sources(SegmentRange range, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<string>> boundaryInputs, IReadOnlyList<IReadOnlyList<string>> outputs, IReadOnlyList<string> incoming)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(boundaryInputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (names.Count != range.Count || boundaryInputs.Count != range.Count || outputs.Count != range.Count)
        {
            throw new ArgumentException("Names, inputs and outputs must be given for each of the " + range.Count + " hosted segments.");
        }

        var sources = new TensorSource[range.Count][];
        for (var k = 0; k < range.Count; k++)
        {
            var inputs = boundaryInputs[k];
            sources[k] = new TensorSource[inputs.Count];
            for (var b = 0; b < inputs.Count; b++)
            {
                sources[k][b] = Find(range, names, outputs, incoming, k, inputs[b]);
            }
        }

        return sources;
    }

    /// <summary>The output index of the last hosted segment for each tensor the next range takes.</summary>
    /// <exception cref="InferenceException">The last hosted segment does not produce one of them.</exception>
    public static int[] Outgoing(SegmentRange range, string lastName, IReadOnlyList<string> lastOutputs, IReadOnlyList<string> downstreamInputs)
    {
        ArgumentNullException.ThrowIfNull(lastOutputs);
        ArgumentNullException.ThrowIfNull(downstreamInputs);
        var indices = new int[downstreamInputs.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = IndexOf(lastOutputs, downstreamInputs[i]);
            if (indices[i] < 0)
            {
                throw new InferenceException("The next range takes '" + downstreamInputs[i] + "', which segment " + range.Last + " (" + lastName + ") does not produce; boundary tensors must come from the segment just before the cut.");
            }
        }

        return indices;
    }

    private static TensorSource Find(SegmentRange range, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<string>> outputs, IReadOnlyList<string> incoming, int segment, string name)
    {
        for (var j = segment - 1; j >= 0; j--)
        {
            var index = IndexOf(outputs[j], name);
            if (index >= 0)
            {
                return new TensorSource(j, index);
            }
        }

        var received = IndexOf(incoming, name);
        if (received >= 0)
        {
            return new TensorSource(-1, received);
        }

        throw new InferenceException("Segment " + (range.First + segment) + " (" + names[segment] + ") takes '" + name + "', which "
            + (incoming.Count == 0 ? "no earlier segment produces." : "no segment of this range nor the incoming tensors provide."));
    }

    internal static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
