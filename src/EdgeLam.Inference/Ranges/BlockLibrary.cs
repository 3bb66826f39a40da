using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Inference.Ranges;

/// <summary>
/// Where a node opens a chain for any layer range at run time: either the segments of a model split at block
/// boundaries (<see cref="Open(OnnxRuntime, string)"/>: any range whose ends are cuts of the split, so any range at
/// all for a per-block split, <c>model split --at 0,1,...,N</c>, chained in one process), or the whole export
/// (<see cref="FromExport"/>: each range is cut out of it when first opened, one merged segment per range).
/// Each <see cref="Open(LayerRange, ChainOptions?)"/> loads its own sessions and caches, so a new range is prepared
/// beside a running one and shares nothing mutable with it. Holds no native resource.
/// </summary>
public sealed class BlockLibrary
{
    private readonly OnnxRuntime _runtime;
    private readonly IReadOnlyList<string> _files;
    private readonly string? _work;

    private BlockLibrary(OnnxRuntime runtime, string directory, IReadOnlyList<string> files, LayerMap map, string? work = null)
    {
        _runtime = runtime;
        _files = files;
        _work = work;
        Directory = directory;
        Map = map;
    }

    /// <summary>The split folder, or the export's folder.</summary>
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

    /// <summary>
    /// Reads the whole export in <paramref name="directory"/> (<c>model.onnx</c>) and finds its blocks; each range
    /// opened later is split out of it into <paramref name="workDirectory"/> (once per pair of cuts, kept for the next
    /// time), so no offline split is needed and every range runs as one merged segment (with the embedding and the
    /// head where it hosts them).
    /// </summary>
    /// <exception cref="InferenceException">The folder holds no model, or no transformer blocks are found in it.</exception>
    public static BlockLibrary FromExport(OnnxRuntime runtime, string directory, string workDirectory)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(workDirectory);
        var files = ModelDirectory.SegmentFiles(directory);
        if (files.Count != 1)
        {
            throw new InferenceException("Folder " + directory + " holds a split of " + files.Count + " segments; FromExport takes the whole export (model.onnx). Open a split with BlockLibrary.Open.");
        }

        BlockLayout layout;
        try
        {
            layout = ModelSplitter.Detect(ModelFile.Load(files[0]));
        }
        catch (OnnxModelException e)
        {
            throw new InferenceException("The blocks of " + files[0] + " cannot be found: " + e.Message, e);
        }

        // The map of a per-block split: every boundary can be cut.
        var blocks = layout.BlockCount;
        var perBlock = Enumerable.Range(-1, blocks + 2).Select(i => (Math.Clamp(i, 0, blocks), Math.Clamp(i + 1, 0, blocks))).ToArray();
        return new BlockLibrary(runtime, directory, files, new LayerMap(blocks, perBlock, [.. layout.Blocks.Select(b => b.KvInputs)]), workDirectory);
    }

    /// <summary>
    /// A library where every block boundary is a cut, so frame boundary indices are layer boundaries (segment 0 the
    /// embedding, segment i block i - 1, segment N + 1 the head): <paramref name="directory"/> is such a split
    /// (<c>model split --at 0,1,...,N</c>), or a whole export that is split per block into
    /// <paramref name="workDirectory"/> the first time (kept for the next start).
    /// </summary>
    /// <exception cref="InferenceException">The folder holds a split with other cuts, an export without a work folder, or no blocks.</exception>
    public static BlockLibrary PerBlock(OnnxRuntime runtime, string directory, string? workDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!ModelDirectory.IsSplit(directory))
        {
            if (workDirectory is null)
            {
                throw new InferenceException("Folder " + Path.GetFullPath(directory) + " holds no split; an orchestrated node needs the model split at every block (model split --at 0,1,...,N).");
            }

            var export = FromExport(runtime, directory, workDirectory);
            var split = Path.Combine(workDirectory, "blocks-all");
            if (!ModelDirectory.IsSplit(split))
            {
                try
                {
                    ModelSplitter.Split(ModelFile.Load(export._files[0]), SplitPlan.AtBoundaries([.. Enumerable.Range(0, export.Blocks + 1)]), split, path => new OrtModelRunner(runtime.OpenSession(path)));
                }
                catch (Exception e) when (e is OnnxModelException or OrtException)
                {
                    throw new InferenceException("The export in " + directory + " cannot be split per block: " + e.Message, e);
                }
            }

            directory = split;
        }

        var library = Open(runtime, directory);
        if (library.Map.Cuts.Count != library.Blocks + 1)
        {
            throw new InferenceException("The split in " + Path.GetFullPath(directory) + " cuts at " + string.Join(",", library.Map.Cuts) + "; an orchestrated node needs a cut at every block boundary (model split --at 0,1,...," + library.Blocks + ").");
        }

        return library;
    }

    /// <summary>Blocks [<paramref name="start"/>, <paramref name="end"/>) of this model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the model.</exception>
    public LayerRange Range(int start, int end) => new(start, end, Blocks);

    /// <summary>Opens a new chain hosting <paramref name="layers"/>, sharing nothing with chains opened before.</summary>
    /// <exception cref="InferenceException">An end of the range is not a cut of the split, or a segment does not load.</exception>
    public SegmentChain Open(LayerRange layers, ChainOptions? options = null)
    {
        if (_work is null)
        {
            return SegmentChain.Open(_runtime, _files, Map.Map(layers), options);
        }

        if (layers.Blocks != Blocks)
        {
            throw new InferenceException("Layer range " + layers + " is of a model of " + layers.Blocks + " blocks; this export has " + Blocks + ".");
        }

        int[] cuts = [.. new[] { layers.HostsEmbedding ? -1 : layers.Start, layers.HostsHead ? -1 : layers.End }.Where(c => c >= 0).Distinct()];
        if (cuts.Length == 0)
        {
            return SegmentChain.Open(_runtime, _files, SegmentRange.All(1), options);
        }

        var split = Path.Combine(_work, "blocks-" + string.Join("-", cuts));
        if (!ModelDirectory.IsSplit(split))
        {
            try
            {
                ModelSplitter.Split(ModelFile.Load(_files[0]), SplitPlan.AtBoundaries(cuts), split, path => new OrtModelRunner(_runtime.OpenSession(path)));
            }
            catch (Exception e) when (e is OnnxModelException or OrtException)
            {
                throw new InferenceException("Layer range " + layers + " cannot be cut out of " + _files[0] + ": " + e.Message, e);
            }
        }

        return Open(_runtime, split).Open(layers, options);
    }

    /// <summary>
    /// The KV tensors (past input names) of the blocks both ranges host: what a conversation moving from
    /// <paramref name="from"/> to <paramref name="to"/> takes along; empty when they share no block.
    /// </summary>
    public IReadOnlyList<string> KvTensors(LayerRange from, LayerRange to) =>
        from.Shared(to) is { } shared ? Map.KvTensors(shared.Start, shared.End) : [];
}
