using System.Text;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>
/// The documented, platform-independent generator behind every synthetic weight.
/// <list type="number">
/// <item>Tensor seed: <c>SplitMix64(modelSeed XOR FNV-1a-64(UTF-8 tensor name))</c>, so each tensor has its own
/// stream and adding a tensor never shifts another one.</item>
/// <item>Stream: xoshiro256** whose four state words are the next four SplitMix64 outputs from the tensor seed.</item>
/// <item>Value: the top 24 bits of each output give <c>u = k / 2^23 - 1</c> in [-1, 1) (exact in float32).</item>
/// </list>
/// </summary>
internal struct SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SeededRandom(ulong modelSeed, string tensorName)
    {
        var state = modelSeed ^ Fnv1a64(tensorName);
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>The next xoshiro256** output.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform value in [-1, 1) with 24 significant bits.</summary>
    public float NextSigned() => ((NextUInt64() >> 40) * (1.0f / (1 << 23))) - 1.0f;

    internal static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static ulong Fnv1a64(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(text, buffer)]
            : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}
