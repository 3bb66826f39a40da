using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model;

/// <summary>
/// An ONNX model read from disk: the protobuf graph in memory, external tensor data left in its files as references.
/// Protobuf caps one message at 2 GB, so the <c>.onnx</c> file itself must stay below that; larger weights live in
/// external data, which is never read whole into managed memory (see <see cref="ModelWriter"/> for writing).
/// </summary>
public sealed class ModelFile
{
    /// <summary>Protobuf's hard message limit: a serialized ModelProto can never exceed it.</summary>
    public const long ProtobufMessageLimit = int.MaxValue;

    /// <summary>Nesting depth accepted while parsing (graphs inside If/Loop/Scan attributes nest 3 messages deep each).</summary>
    public const int DefaultRecursionLimit = 400;

    private ModelFile(ModelProto proto, string baseDirectory, string? filePath)
    {
        Proto = proto;
        BaseDirectory = baseDirectory;
        FilePath = filePath;
    }

    /// <summary>The parsed model.</summary>
    public ModelProto Proto { get; }

    /// <summary>The folder external data locations are relative to.</summary>
    public string BaseDirectory { get; }

    /// <summary>The file the model was read from, if any.</summary>
    public string? FilePath { get; }

    /// <summary>The main graph.</summary>
    public GraphProto Graph => Proto.Graph;

    /// <summary>Wraps a model built in memory; external locations resolve against <paramref name="baseDirectory"/>.</summary>
    public static ModelFile FromProto(ModelProto proto, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(proto);
        return new ModelFile(proto, Path.GetFullPath(baseDirectory), null);
    }

    /// <summary>Reads <paramref name="path"/> and checks that every external data range it names exists.</summary>
    public static ModelFile Load(string path, int recursionLimit = DefaultRecursionLimit)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new ModelFormatException($"Model file '{full}' does not exist.");
        }

        if (info.Length > ProtobufMessageLimit)
        {
            throw new ModelFormatException(
                $"Model file '{full}' is {info.Length} bytes, above protobuf's 2 GB message limit; "
                + "models this large must keep their weights in external data (a .data file beside the model).");
        }

        ModelProto proto;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            using var input = CodedInputStream.CreateWithLimits(stream, (int)ProtobufMessageLimit, recursionLimit);
            proto = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(
                $"Model file '{full}' is not a valid ONNX protobuf (nesting limit {recursionLimit}): {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ModelFormatException($"Model file '{full}' cannot be read: {e.Message}", e);
        }

        if (proto.Graph is null)
        {
            throw new ModelFormatException($"Model file '{full}' has no graph.");
        }

        var model = new ModelFile(proto, Path.GetDirectoryName(full)!, full);
        model.CheckExternalData();
        return model;
    }

    /// <summary>Every tensor that can carry weights: initializers of the main graph and of nested graphs, and tensor attributes.</summary>
    public IEnumerable<TensorProto> AllTensors() => ModelTensors.Enumerate(Proto);

    /// <summary>The external data files this model references, with the bytes each one contributes.</summary>
    public IReadOnlyDictionary<string, long> ExternalDataFiles()
    {
        var files = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var tensor in AllTensors())
        {
            if (TensorStorage.IsExternal(tensor))
            {
                var reference = TensorStorage.GetExternalReference(tensor, BaseDirectory);
                files[reference.FilePath] = files.GetValueOrDefault(reference.FilePath) + reference.Length;
            }
        }

        return files;
    }

    /// <summary>Writes the model to <paramref name="path"/> with one external data file (see <see cref="ModelWriter"/>).</summary>
    public void Save(string path, ModelWriteOptions? options = null) =>
        ModelWriter.Write(Proto, BaseDirectory, path, options ?? new ModelWriteOptions());

    private void CheckExternalData()
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tensor in AllTensors())
        {
            if (!TensorStorage.IsExternal(tensor))
            {
                continue;
            }

            var reference = TensorStorage.GetExternalReference(tensor, BaseDirectory);
            if (!sizes.TryGetValue(reference.FilePath, out var size))
            {
                var file = new FileInfo(reference.FilePath);
                if (!file.Exists)
                {
                    throw new ModelFormatException(
                        $"Tensor '{tensor.Name}' refers to external data file '{reference.FilePath}', which does not exist.");
                }

                size = file.Length;
                sizes[reference.FilePath] = size;
            }

            if (reference.Offset + reference.Length > size)
            {
                throw new ModelFormatException(
                    $"Tensor '{tensor.Name}' needs bytes [{reference.Offset}, {reference.Offset + reference.Length}) of "
                    + $"'{reference.FilePath}', which holds only {size} bytes.");
            }
        }
    }
}
