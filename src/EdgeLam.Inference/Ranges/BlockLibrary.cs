using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Inference.Ranges;

/// <summary>
/// The segments of a model split at block boundaries, from which a node opens a chain for any layer range whose ends
/// are cuts of the split (any range at all for a per-block split, <c>model split --at 0,1,...,N</c>), at run time.
/// Each <see cref="Open"/> loads its own sessions and caches, so a new range is prepared beside a running one and
/// shares nothing mutable with it. Holds no native resource.
/// </summary>
public sealed class BlockLibrary
{
    private readonly OnnxRuntime _runtime;
    private readonly IReadOnlyList<string> _files;

    private BlockLibrary(OnnxRuntime runtime, string directory, IReadOnlyList<string> files, LayerMap map)
    {
        _runtime = runtime;
        _files = files;
        Directory = directory;
        Map = map;
    }

    /// <summary>The split folder.</summary>
    public string Directory { get; }

    /// <summary>How layer ranges map onto the split's segments.</summary>
    public LayerMap Map { get; }

    /// <summary>Blocks of the model.</summary>
    public int Blocks => Map.Blocks;

    /// <summary>Reads the split in <paramref name="directory"/> (manifest.json and its segment files).</summary>
    /// <exception cref="InferenceException">The folder holds no split at block boundaries, or a segment file is missing.</exception>
    public static BlockLibrary Open(OnnxRuntime runtime, string directory)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!ModelDirectory.IsSplit(directory))
        {
            throw new InferenceException("Folder " + Path.GetFullPath(directory) + " holds no " + SplitManifest.FileName + "; layer ranges are opened from a split at block boundaries (model split --at 0,1,...,N).");
        }

        SplitManifest manifest;
        try
        {
            manifest = ModelSplitter.ReadManifest(directory);
        }
        catch (OnnxModelException e)
        {
            throw new InferenceException("The split in " + directory + " cannot be read: " + e.Message, e);
        }

        var files = ModelDirectory.SegmentFiles(directory);
        var segments = manifest.Segments.OrderBy(s => s.Index).Select(s => (s.FirstBlock, s.EndBlock)).ToArray();
        var blockKv = manifest.Blocks.OrderBy(b => b.Index).Select(b => b.KvInputs).ToArray();
        return new BlockLibrary(runtime, directory, files, new LayerMap(manifest.BlockCount, segments, blockKv));
    }

    /// <summary>Blocks [<paramref name="start"/>, <paramref name="end"/>) of this model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the model.</exception>
    public LayerRange Range(int start, int end) => new(start, end, Blocks);

    /// <summary>Opens a new chain hosting <paramref name="layers"/>, sharing nothing with chains opened before.</summary>
    /// <exception cref="InferenceException">An end of the range is not a cut of the split, or a segment does not load.</exception>
    public SegmentChain Open(LayerRange layers, ChainOptions? options = null) =>
        SegmentChain.Open(_runtime, _files, Map.Map(layers), options);

    /// <summary>
    /// The KV tensors (past input names) of the blocks both ranges host: what a conversation moving from
    /// <paramref name="from"/> to <paramref name="to"/> takes along; empty when they share no block.
    /// </summary>
    public IReadOnlyList<string> KvTensors(LayerRange from, LayerRange to) =>
        from.Shared(to) is { } shared ? Map.KvTensors(shared.Start, shared.End) : [];
}
