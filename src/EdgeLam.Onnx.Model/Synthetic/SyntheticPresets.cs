using System.Diagnostics.CodeAnalysis;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>Named model shapes for <c>edgelam model build --preset</c>.</summary>
public static class SyntheticPresets
{
    /// <summary>2 Llama blocks, hidden 64, 4 heads over 2 KV heads, untied head: fast enough for every unit test.</summary>
    public static SyntheticModelConfig Tiny { get; } = new()
    {
        Name = "tiny",
        Architecture = SyntheticArchitecture.Llama,
        Layers = 2,
        HiddenSize = 64,
        Heads = 4,
        KeyValueHeads = 2,
        IntermediateSize = 176,
        VocabSize = 512,
        MaxPositions = 256,
    };

    /// <summary>2 GPT-2 blocks, hidden 64, 4 heads, tied embeddings.</summary>
    public static SyntheticModelConfig TinyGpt2 { get; } = new()
    {
        Name = "tiny-gpt2",
        Architecture = SyntheticArchitecture.Gpt2,
        Layers = 2,
        HiddenSize = 64,
        Heads = 4,
        KeyValueHeads = 4,
        IntermediateSize = 256,
        VocabSize = 512,
        MaxPositions = 256,
        TieEmbeddings = true,
    };

    /// <summary>12 Llama blocks, hidden 768, 12 heads over 4 KV heads, vocab 32000, tied (~100M parameters).</summary>
    public static SyntheticModelConfig Small { get; } = new()
    {
        Name = "small",
        Architecture = SyntheticArchitecture.Llama,
        Layers = 12,
        HiddenSize = 768,
        Heads = 12,
        KeyValueHeads = 4,
        IntermediateSize = 2048,
        VocabSize = 32000,
        MaxPositions = 2048,
        TieEmbeddings = true,
    };

    /// <summary>The shape of Qwen2.5-0.5B: 24 blocks, hidden 896, 14 heads over 2 KV heads, FFN 4864, vocab 151936,
    /// q/k/v biases, tied embeddings (~494M parameters).</summary>
    public static SyntheticModelConfig Qwen25_05B { get; } = new()
    {
        Name = "qwen2.5-0.5b",
        Architecture = SyntheticArchitecture.Llama,
        Layers = 24,
        HiddenSize = 896,
        Heads = 14,
        KeyValueHeads = 2,
        IntermediateSize = 4864,
        VocabSize = 151936,
        MaxPositions = 32768,
        TieEmbeddings = true,
        AttentionBias = true,
        RopeTheta = 1_000_000.0,
        NormEpsilon = 1e-6f,
    };

    /// <summary>The shape of Llama-3.2-1B: 16 blocks, hidden 2048, 32 heads over 8 KV heads, FFN 8192, vocab 128256,
    /// tied embeddings (~1.24B parameters).</summary>
    public static SyntheticModelConfig Llama32_1B { get; } = new()
    {
        Name = "llama-3.2-1b",
        Architecture = SyntheticArchitecture.Llama,
        Layers = 16,
        HiddenSize = 2048,
        Heads = 32,
        KeyValueHeads = 8,
        IntermediateSize = 8192,
        VocabSize = 128256,
        MaxPositions = 131072,
        TieEmbeddings = true,
        RopeTheta = 500_000.0,
    };

    /// <summary>
    /// 6 Llama blocks, hidden 512, 8 heads over 4 KV heads, FFN 1408, vocab 512, 1024 positions: a decode step of a few
    /// milliseconds, so compute, not the loopback hops, decides a split. The model of the re-split tests
    /// (<c>ResplitSiteFixture</c>) and of <c>bench/EdgeLam.Resplit.Bench</c>; not offered by <c>model build</c>
    /// (<see cref="All"/>).
    /// </summary>
    public static SyntheticModelConfig Resplit6 { get; } = new()
    {
        Name = "resplit6",
        Architecture = SyntheticArchitecture.Llama,
        Layers = 6,
        HiddenSize = 512,
        Heads = 8,
        KeyValueHeads = 4,
        IntermediateSize = 1408,
        VocabSize = 512,
        MaxPositions = 1024,
    };

    public static IReadOnlyList<SyntheticModelConfig> All { get; } = [Tiny, TinyGpt2, Small, Qwen25_05B, Llama32_1B];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static bool TryGet(string name, [NotNullWhen(true)] out SyntheticModelConfig? preset)
    {
        preset = All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return preset is not null;
    }
}
