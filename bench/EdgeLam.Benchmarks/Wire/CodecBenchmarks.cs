using BenchmarkDotNet.Attributes;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Benchmarks.Wire;

/// <summary>
/// Codec encode/decode throughput against a plain copy of the same float32 bytes. Sizes: one hidden state of the
/// <c>small</c> preset (768 floats) and 128 tokens of it.
/// </summary>
public class CodecBenchmarks
{
    private float[] _source = [];
    private float[] _target = [];
    private byte[] _half = [];
    private byte[] _bfloat = [];
    private byte[] _quants = [];
    private byte[] _scales = [];

    [Params(768, 768 * 128)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _source = new float[Elements];
        for (int i = 0; i < Elements; i++)
        {
            _source[i] = (float)((random.NextDouble() * 2 - 1) * 4);
        }

        _target = new float[Elements];
        _half = new byte[Elements * 2];
        _bfloat = new byte[Elements * 2];
        _quants = new byte[Elements];
        _scales = new byte[CodecLayout.ScaleLength(WireCodec.Int8Block32, Elements)];
        Float16Codec.Encode(_source, _half);
        BFloat16Codec.Encode(_source, _bfloat);
        Int8Block32Codec.Encode(_source, _scales, _quants);
    }

    [Benchmark(Baseline = true, Description = "memcpy Span.CopyTo")]
    public void SpanCopy() => _source.AsSpan().CopyTo(_target);

    [Benchmark(Description = "memcpy Buffer.MemoryCopy")]
    public unsafe void BufferMemoryCopy()
    {
        fixed (float* s = _source)
        fixed (float* t = _target)
        {
            long bytes = (long)_source.Length * sizeof(float);
            Buffer.MemoryCopy(s, t, bytes, bytes);
        }
    }

    [Benchmark(Description = "fp16 encode")]
    public void Float16Encode() => Float16Codec.Encode(_source, _half);

    [Benchmark(Description = "fp16 decode")]
    public void Float16Decode() => Float16Codec.Decode(_half, _target);

    [Benchmark(Description = "bf16 encode")]
    public void BFloat16Encode() => BFloat16Codec.Encode(_source, _bfloat);

    [Benchmark(Description = "bf16 decode")]
    public void BFloat16Decode() => BFloat16Codec.Decode(_bfloat, _target);

    [Benchmark(Description = "int8 encode")]
    public void Int8Encode() => Int8Block32Codec.Encode(_source, _scales, _quants);

    [Benchmark(Description = "int8 decode")]
    public void Int8Decode() => Int8Block32Codec.Decode(_scales, _quants, _target);
}
