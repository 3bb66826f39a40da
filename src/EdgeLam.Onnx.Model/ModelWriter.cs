using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model;

/// <summary>What <see cref="ModelWriter.Write"/> produced.</summary>
/// <param name="ModelPath">The .onnx file.</param>
/// <param name="DataPath">The external data file, or null when every tensor stayed inline.</param>
/// <param name="ExternalBytes">Tensor bytes written to the data file (excluding alignment padding).</param>
public sealed record ModelWriteResult(string ModelPath, string? DataPath, long ExternalBytes);

/// <summary>
/// Writes a model with at most one external data file. External source tensors are copied file-to-file with streams,
/// never read whole into memory; inline tensors above the threshold move out to the data file; tensors named in
/// <see cref="ModelWriteOptions.GeneratedTensors"/> are written by their generator, one after another.
/// </summary>
public static class ModelWriter
{
    private const int SmallAlignment = 64;
    private const int PageAlignment = 4096;
    private const long PageAlignFrom = 1 << 20;

    /// <summary>Writes <paramref name="proto"/> (unchanged; a copy is rewritten) to <paramref name="path"/>.</summary>
    /// <param name="proto">The model; its external locations resolve against <paramref name="sourceBaseDirectory"/>.</param>
    /// <param name="sourceBaseDirectory">Folder the proto's external data locations are relative to.</param>
    /// <param name="path">Output .onnx path.</param>
    /// <param name="options">Placement options.</param>
    public static ModelWriteResult Write(ModelProto proto, string sourceBaseDirectory, string path, ModelWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(proto);
        ArgumentNullException.ThrowIfNull(options);
        var modelPath = Path.GetFullPath(path);
        var outDir = Path.GetDirectoryName(modelPath)!;
        Directory.CreateDirectory(outDir);
        var dataName = options.DataFileName ?? Path.GetFileName(modelPath) + ".data";
        var dataPath = Path.Combine(outDir, dataName);

        // Clone shares the immutable ByteStrings, so this does not duplicate inline weights.
        var copy = proto.Clone();
        var tensors = ModelTensors.EnumerateWithKind(copy);
        var generated = options.GeneratedTensors is { } writers
            ? copy.Graph.Initializer.Where(t => writers.ContainsKey(t.Name)).ToHashSet(ReferenceEqualityComparer.Instance)
            : [];
        var inlineTotal = tensors.Where(t => !TensorStorage.IsExternal(t.Tensor) && !generated.Contains(t.Tensor))
            .Sum(t => TensorStorage.ByteLength(t.Tensor));
        var threshold = Math.Max(1, inlineTotal > options.MaxInlineBytes ? 0 : options.ExternalThresholdBytes);

        var moves = new List<TensorProto>();
        foreach (var (tensor, isInitializer) in tensors)
        {
            if (generated.Contains(tensor))
            {
                moves.Add(tensor);
                continue;
            }

            var isString = tensor.DataType == (int)TensorProto.Types.DataType.String;
            if (isString)
            {
                if (TensorStorage.IsExternal(tensor))
                {
                    throw new ModelFormatException($"String tensor '{tensor.Name}' is stored externally, which ONNX does not allow.");
                }

                continue;
            }

            var length = TensorStorage.ByteLength(tensor);
            if (TensorStorage.IsExternal(tensor) && length < threshold)
            {
                // Small external tensors (shape constants and the like) come back inline.
                TensorStorage.SetInline(tensor, TensorStorage.ReadBytes(tensor, sourceBaseDirectory, threshold));
            }
            else if (TensorStorage.IsExternal(tensor) || (isInitializer && length >= threshold))
            {
                // Attribute tensors (Constant values) stay where they are unless already external.
                moves.Add(tensor);
            }
        }

        foreach (var sourcePath in moves.Where(TensorStorage.IsExternal)
                     .Select(t => TensorStorage.GetExternalReference(t, sourceBaseDirectory).FilePath))
        {
            if (string.Equals(sourcePath, dataPath, StringComparison.Ordinal))
            {
                throw new ModelFormatException(
                    $"Writing '{modelPath}' would overwrite its own source data file '{dataPath}'; write to another folder.");
            }
        }

        long externalBytes = 0;
        string? writtenData = null;
        if (moves.Count > 0)
        {
            writtenData = dataPath;
            using var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
            foreach (var tensor in moves)
            {
                var length = TensorStorage.ByteLength(tensor);
                Pad(data, length >= PageAlignFrom ? PageAlignment : SmallAlignment);
                var offset = data.Position;
                if (generated.Contains(tensor))
                {
                    options.GeneratedTensors![tensor.Name](data);
                }
                else if (TensorStorage.IsExternal(tensor))
                {
                    var reference = TensorStorage.GetExternalReference(tensor, sourceBaseDirectory);
                    using var source = reference.OpenRead();
                    source.CopyTo(data, 1 << 20);
                    if (data.Position - offset != reference.Length)
                    {
                        throw new ModelFormatException(
                            $"External data of tensor '{tensor.Name}' ended early in '{reference.FilePath}'.");
                    }
                }
                else
                {
                    var raw = TensorStorage.InlineRawBytes(tensor)!;
                    data.Write(raw);
                }

                externalBytes += data.Position - offset;
                TensorStorage.SetExternal(tensor, dataName, offset, data.Position - offset);
            }
        }
        else if (File.Exists(dataPath))
        {
            File.Delete(dataPath);
        }

        long size;
        try
        {
            size = copy.CalculateSize();
        }
        catch (OverflowException e)
        {
            throw new ModelFormatException($"Model '{modelPath}' would exceed protobuf's 2 GB message limit.", e);
        }

        if (size < 0 || size > ModelFile.ProtobufMessageLimit)
        {
            throw new ModelFormatException($"Model '{modelPath}' would exceed protobuf's 2 GB message limit.");
        }

        using (var output = new FileStream(modelPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            copy.WriteTo(output);
        }

        return new ModelWriteResult(modelPath, writtenData, externalBytes);
    }

    private static void Pad(FileStream stream, int alignment)
    {
        var remainder = stream.Position % alignment;
        if (remainder != 0)
        {
            Span<byte> zeros = stackalloc byte[PageAlignment];
            stream.Write(zeros[..(int)(alignment - remainder)]);
        }
    }
}
