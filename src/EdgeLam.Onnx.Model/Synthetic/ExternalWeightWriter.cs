using System.Buffers.Binary;
using System.Runtime.InteropServices;
using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>
/// Streams seeded weights straight into the external data file, a chunk at a time, so a multi-gigabyte model never
/// exists in managed memory. Each tensor starts at an aligned offset (4096 for tensors of 1 MiB and more, 64 else).
/// </summary>
internal sealed class ExternalWeightWriter : IDisposable
{
    private const int ChunkElements = 1 << 16;
    private const long LargeTensorBytes = 1 << 20;

    private readonly FileStream? _stream;
    private readonly string _location;
    private readonly ulong _seed;
    private readonly SyntheticDataType _dataType;
    private readonly float[] _values = new float[ChunkElements];
    private readonly byte[] _bytes = new byte[ChunkElements * sizeof(float)];

    private long _position;

    /// <summary>Writes to <paramref name="path"/>, or, when it is null, only lays the tensors out (a dry run).</summary>
    public ExternalWeightWriter(string? path, ulong seed, SyntheticDataType dataType)
    {
        if (path is not null)
        {
            _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        }

        _location = path is null ? SyntheticModelBuilder.DataFileName : Path.GetFileName(path);
        _seed = seed;
        _dataType = dataType;
    }

    /// <summary>Bytes laid out so far, padding included.</summary>
    public long Length => _position;

    public int ElementSize => _dataType == SyntheticDataType.Float16 ? 2 : 4;

    /// <summary>Generates tensor <paramref name="name"/> and returns its initializer pointing into the data file.</summary>
    public TensorProto WriteSeeded(string name, ReadOnlySpan<long> dims, WeightFill fill)
    {
        var random = new SeededRandom(_seed, name);
        return Write(name, dims, span =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = fill.Center + (fill.Scale * random.NextSigned());
            }
        });
    }

    /// <summary>Writes a tensor computed by <paramref name="generate"/>, called once per chunk in element order.</summary>
    public TensorProto Write(string name, ReadOnlySpan<long> dims, ChunkGenerator generate)
    {
        long count = 1;
        foreach (var d in dims)
        {
            count *= d;
        }

        var byteLength = count * ElementSize;
        Align(byteLength >= LargeTensorBytes ? 4096 : 64);
        var offset = _position;
        for (long done = 0; _stream is not null && done < count; done += ChunkElements)
        {
            var n = (int)Math.Min(ChunkElements, count - done);
            var values = _values.AsSpan(0, n);
            generate(values);
            _stream.Write(Encode(values));
        }

        _position += byteLength;

        var tensor = new TensorProto
        {
            Name = name,
            DataType = _dataType == SyntheticDataType.Float16
                ? (int)TensorProto.Types.DataType.Float16
                : (int)TensorProto.Types.DataType.Float,
        };
        tensor.Dims.AddRange(dims.ToArray());
        TensorStorage.SetExternal(tensor, _location, offset, byteLength);
        return tensor;
    }

    public void Dispose() => _stream?.Dispose();

    private ReadOnlySpan<byte> Encode(ReadOnlySpan<float> values)
    {
        if (_dataType == SyntheticDataType.Float32)
        {
            var bytes = MemoryMarshal.AsBytes(values);
            if (!BitConverter.IsLittleEndian)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(_bytes.AsSpan(i * 4), values[i]);
                }

                return _bytes.AsSpan(0, values.Length * 4);
            }

            return bytes;
        }

        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(_bytes.AsSpan(i * 2), (Half)values[i]);
        }

        return _bytes.AsSpan(0, values.Length * 2);
    }

    private void Align(int alignment)
    {
        var pad = (int)((alignment - (_position % alignment)) % alignment);
        if (pad > 0)
        {
            Span<byte> zeros = stackalloc byte[4096];
            _stream?.Write(zeros[..pad]);
            _position += pad;
        }
    }
}

/// <summary>Fills one chunk of a tensor's values (in float32; the writer converts to the model's element type).</summary>
internal delegate void ChunkGenerator(Span<float> values);
