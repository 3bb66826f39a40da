namespace EdgeLam.Onnx.Model.Split;

/// <summary>
/// Where to cut a model. Block boundaries are numbered 0..N for N blocks: boundary b lies before block b, so 0 is the
/// embedding boundary (segment 0 then only computes embeddings) and N lies between the last block and the head.
/// </summary>
public sealed class SplitPlan
{
    private SplitPlan(IReadOnlyList<int>? boundaries, int? segments, IReadOnlyList<IReadOnlyList<string>>? cuts)
    {
        Boundaries = boundaries;
        SegmentCount = segments;
        CutTensors = cuts;
    }

    /// <summary>Block boundaries to cut at (ascending), when the plan names them.</summary>
    public IReadOnlyList<int>? Boundaries { get; }

    /// <summary>Segments to balance by estimated cost, when the plan asks for that.</summary>
    public int? SegmentCount { get; }

    /// <summary>Manual cuts, each the full set of tensors crossing it, in graph order.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? CutTensors { get; }

    /// <summary>Cut at the given block boundaries (0 = embedding boundary, N = before the head).</summary>
    public static SplitPlan AtBoundaries(params int[] boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        if (boundaries.Length == 0)
        {
            throw new ArgumentException("At least one boundary is needed.", nameof(boundaries));
        }

        return new SplitPlan(boundaries.ToArray(), null, null);
    }

    /// <summary>Cut into <paramref name="segments"/> segments of about equal estimated cost.</summary>
    public static SplitPlan Balanced(int segments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 2);
        return new SplitPlan(null, segments, null);
    }

    /// <summary>
    /// Manual override: each cut is the complete set of tensor names crossing it (for example the hidden state and the
    /// residual), independent of block detection.
    /// </summary>
    public static SplitPlan AtTensors(params IReadOnlyList<string>[] cuts)
    {
        ArgumentNullException.ThrowIfNull(cuts);
        if (cuts.Length == 0 || cuts.Any(c => c.Count == 0))
        {
            throw new ArgumentException("Each cut needs at least one tensor name.", nameof(cuts));
        }

        return new SplitPlan(null, null, cuts.Select(c => (IReadOnlyList<string>)c.ToArray()).ToArray());
    }

    /// <summary>Parses "4,8" into block boundaries.</summary>
    public static SplitPlan ParseBoundaries(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
            {
                throw new ModelSurgeryException($"'{parts[i]}' in '{text}' is not a block boundary number.");
            }
        }

        if (values.Length == 0)
        {
            throw new ModelSurgeryException($"'{text}' names no block boundary.");
        }

        return AtBoundaries(values);
    }

    /// <summary>Parses "a+b;c" into manual cuts: ';' separates cuts, '+' the tensors of one cut.</summary>
    public static SplitPlan ParseTensorCuts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cuts = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => (IReadOnlyList<string>)c.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        if (cuts.Length == 0 || cuts.Any(c => c.Count == 0))
        {
            throw new ModelSurgeryException($"'{text}' names no cut tensor.");
        }

        return AtTensors(cuts);
    }
}
