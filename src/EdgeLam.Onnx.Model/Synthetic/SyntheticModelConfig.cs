namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>The shape of a synthetic decoder-only transformer (everything but the seed and element type).</summary>
public sealed record SyntheticModelConfig
{
    /// <summary>Preset name written to model_info.json.</summary>
    public required string Name { get; init; }

    public required SyntheticArchitecture Architecture { get; init; }

    public required int Layers { get; init; }

    public required int HiddenSize { get; init; }

    public required int Heads { get; init; }

    /// <summary>Key/value heads; fewer than <see cref="Heads"/> gives grouped-query attention.</summary>
    public required int KeyValueHeads { get; init; }

    /// <summary>MLP inner width (SwiGLU gate/up width for Llama, c_fc width for GPT-2).</summary>
    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    /// <summary>Rows of the rotary cos/sin tables (Llama) or of the learned position table (GPT-2).</summary>
    public required int MaxPositions { get; init; }

    /// <summary>The language-model head reuses the token embedding matrix.</summary>
    public bool TieEmbeddings { get; init; }

    /// <summary>q/k/v projections carry a bias (Qwen2). GPT-2 always has biases.</summary>
    public bool AttentionBias { get; init; }

    public double RopeTheta { get; init; } = 10000.0;

    public float NormEpsilon { get; init; } = 1e-5f;

    public int HeadSize => HiddenSize / Heads;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent dimension.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"Synthetic model '{name}' must be positive (got {value}).");
            }
        }

        Positive(Layers, nameof(Layers));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Heads, nameof(Heads));
        Positive(KeyValueHeads, nameof(KeyValueHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(VocabSize, nameof(VocabSize));
        Positive(MaxPositions, nameof(MaxPositions));
        if (HiddenSize % Heads != 0)
        {
            throw new ArgumentException($"HiddenSize {HiddenSize} is not a multiple of Heads {Heads}.");
        }

        if (Heads % KeyValueHeads != 0)
        {
            throw new ArgumentException($"Heads {Heads} is not a multiple of KeyValueHeads {KeyValueHeads}.");
        }

        if (Architecture == SyntheticArchitecture.Llama && HeadSize % 2 != 0)
        {
            throw new ArgumentException($"Rotary embeddings need an even head size (got {HeadSize}).");
        }

        if (Architecture == SyntheticArchitecture.Gpt2 && KeyValueHeads != Heads)
        {
            throw new ArgumentException("GPT-2 style models use multi-head attention: KeyValueHeads must equal Heads.");
        }
    }
}
