using EdgeLam.Core.Models;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Split;

/// <summary>
/// Types of tensors the schema tables cannot type (local functions, ops of other domains): ONNX Runtime loads a copy
/// of the model that lists them as graph outputs and reports the types it resolved. Never a guess.
/// </summary>
internal static class RuntimeTypes
{
    /// <summary>Folder (under the output folder) the probe model is written to, and removed from, while asking.</summary>
    public const string ProbeFolder = ".edgelam-type-probe";

    public static Dictionary<string, TensorType> Probe(ModelFile source, IReadOnlyCollection<string> names, string outDir, Func<string, IModelRunner> open)
    {
        var proto = source.Proto.Clone();
        var declared = proto.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !declared.Contains(n)))
        {
            proto.Graph.Output.Add(new ValueInfoProto { Name = name });
        }

        var folder = Path.Combine(outDir, ProbeFolder);
        try
        {
            var written = ModelWriter.Write(proto, source.BaseDirectory, Path.Combine(folder, "probe.onnx"), new ModelWriteOptions());
            using var runner = open(written.ModelPath);
            var types = new Dictionary<string, TensorType>(StringComparer.Ordinal);
            foreach (var spec in runner.Outputs.Where(o => names.Contains(o.Name)))
            {
                var dims = spec.Shape.Select((d, i) => d >= 0 ? Dim.Of(d)
                    : spec.SymbolicDimensions[i].Length > 0 ? Dim.Named(spec.SymbolicDimensions[i])
                    : Dim.Unknown).ToList();
                types[spec.Name] = new TensorType((int)spec.ElementType, dims);
            }

            return types;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
