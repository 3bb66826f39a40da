using EdgeLam.Inference.Pipeline;
using EdgeLam.Inference.Segments;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Chain;

/// <summary>Opening a chain from a model folder.</summary>
public sealed partial class SegmentChain
{
    /// <summary>
    /// Opens segments <paramref name="first"/>..<paramref name="last"/> of the model in <paramref name="directory"/>
    /// (an unsplit folder is one segment); a range that does not end the model also reads which tensors the next
    /// segment takes.
    /// </summary>
    /// <exception cref="InferenceException">The folder holds no model, or not those segments.</exception>
    public static SegmentChain Open(OnnxRuntime runtime, string directory, int first, int last, ChainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var files = ModelDirectory.SegmentFiles(directory);
        if (first < 0 || last < first || last >= files.Count)
        {
            throw new InferenceException("Segments " + first + "-" + last + " do not exist: " + directory + " holds " + files.Count + " segment(s) (0-" + (files.Count - 1) + ").");
        }

        return Open(runtime, files, new SegmentRange(first, last, files.Count), options);
    }

    /// <summary>Opens every segment of the model in <paramref name="directory"/> as one chain.</summary>
    /// <exception cref="InferenceException">The folder holds no model.</exception>
    public static SegmentChain Open(OnnxRuntime runtime, string directory, ChainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var files = ModelDirectory.SegmentFiles(directory);
        return Open(runtime, files, SegmentRange.All(files.Count), options);
    }

    /// <summary>Opens <paramref name="range"/> of the model whose segment files are <paramref name="files"/> (in order).</summary>
    public static SegmentChain Open(OnnxRuntime runtime, IReadOnlyList<string> files, SegmentRange range, ChainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count != range.Total)
        {
            throw new ArgumentException("Range " + range + " does not fit a model of " + files.Count + " segment(s).", nameof(range));
        }

        options ??= new ChainOptions();
        options.Validate();
        var runners = new List<SegmentRunner>();
        try
        {
            for (var i = range.First; i <= range.Last; i++)
            {
                runners.Add(OpenSegment(runtime, files[i], options));
            }

            IReadOnlyList<string>? downstreamInputs = null;
            if (!range.IsLast)
            {
                // The next segment's boundary inputs are what the outgoing frame carries; read them from its model.
                using var next = OpenSegment(runtime, files[range.Last + 1], options);
                downstreamInputs = [.. next.BoundaryInputs.Select(i => i.Name)];
            }

            return new SegmentChain(runners, range, downstreamInputs);
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

    private static SegmentRunner OpenSegment(OnnxRuntime runtime, string file, ChainOptions options)
    {
        var session = runtime.OpenSession(file);
        try
        {
            return new SegmentRunner(session, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
