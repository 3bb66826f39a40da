using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Inference.Pipeline;

/// <summary>Finds the segment files of a model folder: <c>manifest.json</c> of a split, else <c>model.onnx</c>.</summary>
public static class ModelDirectory
{
    /// <summary>The unsplit model's file name.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>True when the folder holds a split (manifest.json).</summary>
    public static bool IsSplit(string directory) => File.Exists(Path.Combine(directory, SplitManifest.FileName));

    /// <summary>The segment model files in chain order.</summary>
    /// <exception cref="InferenceException">Neither a manifest nor model.onnx, or a segment file is missing.</exception>
    public static IReadOnlyList<string> SegmentFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new InferenceException("Model folder not found: " + Path.GetFullPath(directory));
        }

        if (IsSplit(directory))
        {
            var manifest = ModelSplitter.ReadManifest(directory);
            var files = new List<string>();
            foreach (var segment in manifest.Segments.OrderBy(s => s.Index))
            {
                var model = segment.Files.FirstOrDefault(f => f.Role == "model") ?? segment.Files.FirstOrDefault()
                    ?? throw new InferenceException("Segment " + segment.Index + " of " + directory + " lists no files.");
                var path = Path.Combine(directory, model.Name);
                if (!File.Exists(path))
                {
                    throw new InferenceException("Segment file " + path + " listed in the manifest is missing.");
                }

                files.Add(path);
            }

            return files;
        }

        var single = Path.Combine(directory, ModelFileName);
        return File.Exists(single)
            ? [single]
            : throw new InferenceException("Folder " + Path.GetFullPath(directory) + " holds neither " + SplitManifest.FileName + " nor " + ModelFileName + ".");
    }
}
