namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>The block design of a synthetic decoder.</summary>
public enum SyntheticArchitecture
{
    /// <summary>RMSNorm, rotary position embeddings, grouped-query attention, SwiGLU MLP (Llama, Qwen2).</summary>
    Llama,

    /// <summary>LayerNorm with bias, learned absolute positions, multi-head attention, GELU (tanh) MLP (GPT-2).</summary>
    Gpt2,
}

/// <summary>The element type of a synthetic model's weights and activations.</summary>
public enum SyntheticDataType
{
    /// <summary>IEEE float32 everywhere.</summary>
    Float32,

    /// <summary>IEEE float16 weights and activations; norm statistics and softmax are computed in float32.</summary>
    Float16,
}
