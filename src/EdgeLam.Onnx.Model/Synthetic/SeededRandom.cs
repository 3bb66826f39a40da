using EdgeLam.Core.Randomness;

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
    private Xoshiro256StarStar _stream;

    public SeededRandom(ulong modelSeed, string tensorName)
    {
        _stream = new Xoshiro256StarStar(modelSeed ^ Fnv1a64.Hash(tensorName));
    }

    /// <summary>The next xoshiro256** output.</summary>
    public ulong NextUInt64() => _stream.Next();

    /// <summary>A uniform value in [-1, 1) with 24 significant bits.</summary>
    public float NextSigned() => ((NextUInt64() >> 40) * (1.0f / (1 << 23))) - 1.0f;
}
