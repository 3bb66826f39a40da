using System.Buffers.Binary;
using System.Globalization;
using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model;

/// <summary>
/// Where a <see cref="TensorProto"/>'s data lives (inline raw bytes, inline typed fields, or an external file range)
/// and how to reach it without pulling external data into managed memory.
/// </summary>
public static class TensorStorage
{
    /// <summary>Element count from the dims (1 for a scalar).</summary>
    public static long ElementCount(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>True when the tensor's data is in an external file.</summary>
    public static bool IsExternal(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External;
    }

    /// <summary>Resolves an external tensor's location against the model's folder.</summary>
    public static ExternalDataReference GetExternalReference(TensorProto tensor, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        string? location = null;
        long offset = 0;
        long length = -1;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offset = ParseLong(tensor, entry);
                    break;
                case "length":
                    length = ParseLong(tensor, entry);
                    break;
                default:
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw new ModelFormatException($"Tensor '{tensor.Name}' is marked external but has no 'location' entry.");
        }

        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
        {
            throw new ModelFormatException(
                $"Tensor '{tensor.Name}' points outside the model folder ('{location}'); only relative locations are accepted.");
        }

        if (length < 0)
        {
            length = TensorElementTypes.ByteCount(tensor.DataType, ElementCount(tensor));
        }

        return new ExternalDataReference(Path.GetFullPath(Path.Combine(baseDirectory, location)), offset, length);
    }

    /// <summary>Byte size of the tensor's data as stored (external length, raw bytes, or the typed fields packed).</summary>
    public static long ByteLength(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (IsExternal(tensor))
        {
            foreach (var entry in tensor.ExternalData)
            {
                if (entry.Key == "length")
                {
                    return ParseLong(tensor, entry);
                }
            }

            return TensorElementTypes.ByteCount(tensor.DataType, ElementCount(tensor));
        }

        if (tensor.HasRawData)
        {
            return tensor.RawData.Length;
        }

        if (tensor.DataType == (int)TensorProto.Types.DataType.String)
        {
            return tensor.StringData.Sum(s => (long)s.Length);
        }

        return TensorElementTypes.ByteCount(tensor.DataType, ElementCount(tensor));
    }

    /// <summary>
    /// The tensor's bytes in ONNX raw (little-endian) layout when they are inline; null for external or string tensors.
    /// Typed fields (float_data, int32_data, ...) are packed the way raw_data would hold them.
    /// </summary>
    public static byte[]? InlineRawBytes(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (IsExternal(tensor) || tensor.DataType == (int)TensorProto.Types.DataType.String)
        {
            return null;
        }

        if (tensor.HasRawData)
        {
            return tensor.RawData.ToByteArray();
        }

        return PackTypedFields(tensor);
    }

    /// <summary>Reads a tensor's bytes whatever the storage, refusing anything above <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadBytes(TensorProto tensor, string baseDirectory, long maxBytes)
    {
        var length = ByteLength(tensor);
        if (length > maxBytes)
        {
            throw new OnnxModelException(
                $"Tensor '{tensor.Name}' holds {length} bytes, more than the {maxBytes} bytes allowed to be read into memory here.");
        }

        if (!IsExternal(tensor))
        {
            return InlineRawBytes(tensor) ?? throw new OnnxModelException($"Tensor '{tensor.Name}' is a string tensor.");
        }

        var reference = GetExternalReference(tensor, baseDirectory);
        var bytes = new byte[reference.Length];
        using var stream = reference.OpenRead();
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Replaces the tensor's data by an external reference (location relative to the model file).</summary>
    public static void SetExternal(TensorProto tensor, string location, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.ClearRawData();
        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.Uint64Data.Clear();
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>Replaces the tensor's data by inline raw bytes.</summary>
    public static void SetInline(TensorProto tensor, byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.Uint64Data.Clear();
        tensor.RawData = ByteString.CopyFrom(raw);
    }

    private static long ParseLong(TensorProto tensor, StringStringEntryProto entry)
    {
        if (!long.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new ModelFormatException(
                $"Tensor '{tensor.Name}' has external_data '{entry.Key}' = '{entry.Value}', which is not a non-negative integer.");
        }

        return value;
    }

    private static byte[] PackTypedFields(TensorProto tensor)
    {
        var type = (TensorProto.Types.DataType)tensor.DataType;
        var count = ElementCount(tensor);
        var bytes = new byte[TensorElementTypes.ByteCount(tensor.DataType, count)];
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            case TensorProto.Types.DataType.Complex64:
                for (var i = 0; i < tensor.FloatData.Count && (i * 4) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), tensor.FloatData[i]);
                }

                break;
            case TensorProto.Types.DataType.Double:
            case TensorProto.Types.DataType.Complex128:
                for (var i = 0; i < tensor.DoubleData.Count && (i * 8) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), tensor.DoubleData[i]);
                }

                break;
            case TensorProto.Types.DataType.Int64:
                for (var i = 0; i < tensor.Int64Data.Count && (i * 8) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), tensor.Int64Data[i]);
                }

                break;
            case TensorProto.Types.DataType.Uint64:
                for (var i = 0; i < tensor.Uint64Data.Count && (i * 8) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), tensor.Uint64Data[i]);
                }

                break;
            case TensorProto.Types.DataType.Uint32:
                for (var i = 0; i < tensor.Uint64Data.Count && (i * 4) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)tensor.Uint64Data[i]);
                }

                break;
            default:
                PackInt32Field(tensor, bytes);
                break;
        }

        return bytes;
    }

    private static void PackInt32Field(TensorProto tensor, byte[] bytes)
    {
        var bits = TensorElementTypes.BitsPerElement(tensor.DataType);
        var data = tensor.Int32Data;
        switch (bits)
        {
            case 32:
                for (var i = 0; i < data.Count && (i * 4) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), data[i]);
                }

                break;
            case 16:
                for (var i = 0; i < data.Count && (i * 2) < bytes.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), unchecked((ushort)data[i]));
                }

                break;
            case 8:
                for (var i = 0; i < data.Count && i < bytes.Length; i++)
                {
                    bytes[i] = unchecked((byte)data[i]);
                }

                break;
            default:
                // 4- and 2-bit types: int32_data already holds the packed bytes, one per entry.
                for (var i = 0; i < data.Count && i < bytes.Length; i++)
                {
                    bytes[i] = unchecked((byte)data[i]);
                }

                break;
        }
    }
}
