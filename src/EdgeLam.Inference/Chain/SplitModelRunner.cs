using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Inference.Chain;

/// <summary>
/// Runs the segments of a split folder one after another in-process on given tensors (<c>edgelam model run</c>): any
/// split model, one stateless call, no KV cache of its own. It takes exactly the source model's inputs and gives
/// exactly its outputs; tensors go from segment to segment by name with the chain's rule (<see cref="ChainWiring"/>).
/// A segment's overridable inputs (manifest <c>overridableInputs</c>, the adapters of <c>model adapt</c>) keep their
/// defaults unless the inputs name them; then each segment declaring one gets the given value.
/// </summary>
public sealed class SplitModelRunner : IModelRunner
{
    private readonly IModelRunner[] _segments;
    private readonly TensorSource[][] _sources;
    private readonly string[][] _overridable;

    private SplitModelRunner(SplitManifest manifest, IModelRunner[] segments)
    {
        Manifest = manifest;
        _segments = segments;
        _overridable = [.. manifest.Segments.OrderBy(s => s.Index).Select(s => s.OverridableInputs.Select(t => t.Name).ToArray())];
        var inputs = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        var outputs = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        foreach (var s in segments)
        {
            foreach (var spec in s.Inputs)
            {
                inputs.TryAdd(spec.Name, spec);
            }

            foreach (var spec in s.Outputs)
            {
                outputs.TryAdd(spec.Name, spec);
            }
        }

        // Source inputs a segment never reads still belong to the model's signature (an unused input stays accepted).
        Inputs = manifest.Inputs.Select(i => inputs.TryGetValue(i.Name, out var spec) ? spec : Describe(i)).ToList();
        Outputs = manifest.Outputs.Select(o => outputs.TryGetValue(o.Name, out var spec) ? spec : Describe(o)).ToList();

        // Whatever no earlier segment produces is taken from the given inputs, checked when the runner runs.
        string[] incoming = [.. segments.SelectMany(seg => seg.Inputs.Select(i => i.Name)).Distinct(StringComparer.Ordinal)];
        _sources = ChainWiring.Sources(
            SegmentRange.All(segments.Length),
            [.. segments.Select((_, i) => "segment " + i)],
            [.. segments.Select(seg => (IReadOnlyList<string>)[.. seg.Inputs.Select(i => i.Name)])],
            [.. segments.Select(seg => (IReadOnlyList<string>)[.. seg.Outputs.Select(o => o.Name)])],
            incoming);
    }

    /// <summary>The manifest of the split folder.</summary>
    public SplitManifest Manifest { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>True when <paramref name="path"/> is a folder with a split manifest.</summary>
    public static bool IsSplitDirectory(string path) =>
        Directory.Exists(path) && File.Exists(Path.Combine(path, SplitManifest.FileName));

    /// <summary>
    /// Opens every segment of <paramref name="directory"/> with <paramref name="openSegment"/> (for example an ONNX
    /// Runtime session runner) after checking each file against the manifest's size and, when asked, SHA-256.
    /// </summary>
    public static SplitModelRunner Open(string directory, Func<string, IModelRunner> openSegment, bool verifyHashes = true)
    {
        ArgumentNullException.ThrowIfNull(openSegment);
        var manifest = ModelSplitter.ReadManifest(directory);
        var runners = new List<IModelRunner>();
        try
        {
            foreach (var segment in manifest.Segments.OrderBy(s => s.Index))
            {
                foreach (var file in segment.Files)
                {
                    Verify(directory, file, verifyHashes);
                }

                var model = segment.Files.FirstOrDefault(f => f.Role == "model")
                    ?? throw new ModelFormatException($"Segment {segment.Index} in '{directory}' lists no model file.");
                runners.Add(openSegment(Path.Combine(directory, model.Name)));
            }

            return new SplitModelRunner(manifest, [.. runners]);
        }
        catch
        {
            foreach (var r in runners)
            {
                r.Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, NpyArray> Run(IReadOnlyDictionary<string, NpyArray> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var produced = new IReadOnlyDictionary<string, NpyArray>[_segments.Length];
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            var feed = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            for (var b = 0; b < segment.Inputs.Count; b++)
            {
                var name = segment.Inputs[b].Name;
                var source = _sources[i][b];
                NpyArray? value;
                var found = source.IsIncoming ? inputs.TryGetValue(name, out value) : produced[source.Segment].TryGetValue(name, out value);
                if (!found || value is null)
                {
                    throw new ModelInputException($"Segment {i} needs '{name}', which neither the inputs nor an earlier segment provide.");
                }

                feed[name] = value;
            }

            foreach (var name in _overridable[i])
            {
                // A default the caller replaced (an adapter): it goes to every segment declaring it.
                if (inputs.TryGetValue(name, out var value))
                {
                    feed[name] = value;
                }
            }

            produced[i] = segment.Run(feed);
        }

        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var output in Manifest.Outputs)
        {
            result[output.Name] = Last(produced, output.Name) ?? (inputs.TryGetValue(output.Name, out var passed) ? passed : null)
                ?? throw new ModelFormatException($"No segment produced the model output '{output.Name}'.");
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _segments)
        {
            s.Dispose();
        }
    }

    private static NpyArray? Last(IReadOnlyDictionary<string, NpyArray>[] produced, string name)
    {
        for (var i = produced.Length - 1; i >= 0; i--)
        {
            if (produced[i].TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static void Verify(string directory, FileDescription file, bool verifyHashes)
    {
        if (file.Name.Contains('/', StringComparison.Ordinal) || file.Name.Contains('\\', StringComparison.Ordinal) || file.Name.StartsWith('.'))
        {
            throw new ModelFormatException($"Manifest file name '{file.Name}' must be a plain file name inside '{directory}'.");
        }

        var path = Path.Combine(directory, file.Name);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelFormatException($"Segment file '{path}' listed in the manifest does not exist.");
        }

        if (info.Length != file.Bytes)
        {
            throw new ModelFormatException($"Segment file '{path}' has {info.Length} bytes; the manifest says {file.Bytes}.");
        }

        if (verifyHashes && !string.Equals(ModelSplitter.Sha256(path), file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelFormatException($"Segment file '{path}' does not match its SHA-256 in the manifest.");
        }
    }

    private static TensorSpec Describe(TensorDescription tensor)
    {
        var shape = tensor.Shape ?? [];
        var dims = shape.Select(d => long.TryParse(d, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1L).ToList();
        var symbols = shape.Select(d => long.TryParse(d, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) || d == "?" ? string.Empty : d).ToList();
        return new TensorSpec(tensor.Name, TensorElementTypeFromName(tensor.Dtype), dims, symbols);
    }

    private static TensorElementType TensorElementTypeFromName(string dtype)
    {
        foreach (var t in Enum.GetValues<TensorElementType>())
        {
            if (string.Equals(t.OnnxName(), dtype, StringComparison.Ordinal) || string.Equals(t.ToString(), dtype, StringComparison.OrdinalIgnoreCase))
            {
                return t;
            }
        }

        return TensorElementType.Undefined;
    }
}
