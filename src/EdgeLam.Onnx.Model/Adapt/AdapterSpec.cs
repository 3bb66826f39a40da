using System.Text.Json.Serialization;

namespace EdgeLam.Onnx.Model.Adapt;

/// <summary>What a trainable tensor added by <see cref="AdapterSurgery"/> is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AdapterKind>))]
public enum AdapterKind
{
    /// <summary>LoRA down-projection [K, rank] beside a MatMul's constant weight [K, N]; starts small and random.</summary>
    LoraA,

    /// <summary>LoRA up-projection [rank, N]; starts at zero, so the adapted model equals the original.</summary>
    LoraB,

    /// <summary>A normalization's gain, made an input; starts at the exported gain.</summary>
    NormGain,
}

/// <summary>Which adapters <see cref="AdapterSurgery"/> adds.</summary>
public sealed record AdaptOptions
{
    /// <summary>The largest <see cref="Rank"/>.</summary>
    public const int MaxRank = 256;

    /// <summary>LoRA rank (0: no LoRA factors).</summary>
    public int Rank { get; init; } = 4;

    /// <summary>The blocks that get adapters (null: every block), as numbered by the block detector.</summary>
    public IReadOnlyList<int>? Blocks { get; init; }

    /// <summary>Also make the blocks' normalization gains trainable inputs.</summary>
    public bool NormGains { get; init; }

    /// <summary>Seed of the LoRA A factors' initial values.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>One trainable input of an adapted model.</summary>
/// <param name="Name">The graph input's name (its initializer holds the initial value).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Block">The block it belongs to.</param>
/// <param name="Node">The node it adapts (its name in the source graph, or <c>#index</c> when unnamed).</param>
/// <param name="Shape">Its shape; always float32.</param>
public sealed record AdapterTensor(string Name, AdapterKind Kind, int Block, string Node, long[] Shape)
{
    /// <summary>Elements in the tensor.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary><c>adapters.json</c> beside an adapted model: what was added, so a trainer knows its parameters.</summary>
/// <param name="Source">The model it was made from (file name).</param>
/// <param name="Rank">LoRA rank.</param>
/// <param name="Tensors">Every trainable input, in graph order.</param>
public sealed record AdapterManifest(string Source, int Rank, IReadOnlyList<AdapterTensor> Tensors)
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "adapters.json";
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AdapterManifest))]
public sealed partial class AdapterJsonContext : JsonSerializerContext;
