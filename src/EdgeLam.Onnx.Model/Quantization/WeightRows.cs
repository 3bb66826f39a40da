using System.Buffers.Binary;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>
/// Reads a 2-D float32 or float16 initializer row by row as float32, from its external data file or its inline
/// bytes, so a weight is never held whole in managed memory beyond the rows asked for.
/// </summary>
internal sealed class WeightRows : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _half;
    private byte[] _buffer = [];

    public WeightRows(TensorProto tensor, string baseDirectory)
    {
        _half = tensor.DataType == (int)TensorProto.Types.DataType.Float16;
        Rows = tensor.Dims[0];
        Columns = tensor.Dims[1];
        _stream = TensorStorage.IsExternal(tensor)
            ? TensorStorage.GetExternalReference(tensor, baseDirectory).OpenRead()
            : new MemoryStream(TensorStorage.InlineRawBytes(tensor)!, writable: false);
        var expected = Rows * Columns * ElementSize;
        if (_stream.Length < expected)
        {
            _stream.Dispose();
            throw new ModelFormatException($"Tensor '{tensor.Name}' holds {_stream.Length} bytes, {expected} expected for its shape.");
        }
    }

    public long Rows { get; }

    public long Columns { get; }

    private int ElementSize => _half ? 2 : 4;

    /// <summary>Reads the next <c>destination.Length / Columns</c> rows.</summary>
    public void ReadNext(Span<float> destination)
    {
        var bytes = destination.Length * ElementSize;
        if (_buffer.Length < bytes)
        {
            _buffer = new byte[bytes];
        }

        var span = _buffer.AsSpan(0, bytes);
        _stream.ReadExactly(span);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = _half
                ? (float)BinaryPrimitives.ReadHalfLittleEndian(span[(i * 2)..])
                : BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]);
        }
    }

    public void Dispose() => _stream.Dispose();
}
