using EdgeLam.Onnx.Model.Costs;

namespace EdgeLam.Onnx.Model.Split;

/// <summary>
/// Finds a null entry in a parsed manifest's lists (<c>"segments": [null]</c>), which JSON's nullable annotations do
/// not cover for list elements; a manifest with one is malformed.
/// </summary>
internal static class SplitManifestEntries
{
    /// <summary>The JSON path of the first null entry (<c>segments[1].files[0]</c>), or null when there is none.</summary>
    public static string? FirstNull(SplitManifest m)
    {
        return Find("source.dataFiles", m.Source.DataFiles)
            ?? Find("source.opsets", m.Source.Opsets)
            ?? Tensors("inputs", m.Inputs)
            ?? Tensors("outputs", m.Outputs)
            ?? Blocks(m.Blocks)
            ?? Segments(m.Segments)
            ?? (m.Costs is { } c ? Costs(c) : null);
    }

    private static string? Tensors(string key, IReadOnlyList<TensorDescription> tensors) =>
        Find(key, tensors) ?? Each(key, tensors, t => t.Shape is null ? null : Find("shape", t.Shape));

    private static string? Blocks(IReadOnlyList<BlockDescription> blocks) =>
        Find("blocks", blocks) ?? Each("blocks", blocks, b => Find("kvInputs", b.KvInputs) ?? Find("kvOutputs", b.KvOutputs));

    private static string? Segments(IReadOnlyList<SegmentDescription> segments) =>
        Find("segments", segments) ?? Each("segments", segments, s =>
            Find("files", s.Files) ?? Find("originalInputs", s.OriginalInputs) ?? Find("originalOutputs", s.OriginalOutputs)
            ?? Tensors("boundaryInputs", s.BoundaryInputs) ?? Tensors("boundaryOutputs", s.BoundaryOutputs)
            ?? Tensors("overridableInputs", s.OverridableInputs));

    private static string? Costs(ModelCostTable c) =>
        (c.Embedding is null ? "costs.embedding" : null)
        ?? (c.Head is null ? "costs.head" : null)
        ?? Find("costs.blocks", c.Blocks)
        ?? Find("costs.cuts", c.Cuts)
        ?? Each("costs.cuts", c.Cuts, cut => Find("tensors", cut.Tensors) ?? Each("tensors", cut.Tensors, t => t.Shape is null ? null : Find("shape", t.Shape)));

    /// <summary>The path of a null list or of its first null entry.</summary>
    private static string? Find<T>(string key, IReadOnlyList<T>? list)
        where T : class
    {
        if (list is null)
        {
            return key;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                return $"{key}[{i}]";
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="inner"/> on each entry of a list <see cref="Find"/> has checked.</summary>
    private static string? Each<T>(string key, IReadOnlyList<T> list, Func<T, string?> inner)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (inner(list[i]) is { } found)
            {
                return $"{key}[{i}].{found}";
            }
        }

        return null;
    }
}
