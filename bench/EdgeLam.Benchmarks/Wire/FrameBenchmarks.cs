using BenchmarkDotNet.Attributes;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Benchmarks.Wire;

/// <summary>Encode plus strict decode (contract checked, CRC-32C, hidden states decoded to float32) of one frame.</summary>
public class FrameBenchmarks
{
    private float[] _hidden = [];
    private float[] _decoded = [];
    private long[] _positions = [];
    private long[] _decodedPositions = [];
    private byte[] _frame = [];

    [Params(WireCodec.Raw, WireCodec.Float16, WireCodec.BFloat16, WireCodec.Int8Block32)]
    public WireCodec Codec { get; set; }

    [Params(1, 128)]
    public int Tokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _hidden = new float[Tokens * FrameFixture.Hidden];
        for (int i = 0; i < _hidden.Length; i++)
        {
            _hidden[i] = (float)((random.NextDouble() * 2 - 1) * 4);
        }

        _decoded = new float[_hidden.Length];
        _positions = new long[Tokens];
        _decodedPositions = new long[Tokens];
        for (int i = 0; i < Tokens; i++)
        {
            _positions[i] = i;
        }

        _frame = new byte[FrameFixture.MaxFrameLength(Tokens)];
    }

    [Benchmark(Description = "frame encode+decode")]
    public int EncodeDecode()
    {
        int length = FrameFixture.Write(_frame, Tokens, Codec, _hidden, _positions);
        FrameError error = FrameReader.TryRead(_frame.AsSpan(0, length), FrameFixture.Contract, out FrameView view);
        if (error != FrameError.None
            || view.GetTensor(0).TryDecode(_decoded) != FrameError.None
            || view.GetTensor(1).TryCopyRaw<long>(_decodedPositions) != FrameError.None)
        {
            throw new InvalidOperationException(error.ToString());
        }

        return length;
    }
}
