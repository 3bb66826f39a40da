namespace EdgeLam.Sensors.Tokenization;

/// <summary>Patch embedding: patches of <see cref="PatchLength"/> samples projected to <see cref="HiddenSize"/>.</summary>
public sealed class PatchOptions
{
    public int PatchLength { get; set; } = 16;

    public int HiddenSize { get; set; } = 64;

    /// <summary>Seed of the default encoder's weights.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>A trained encoder (input [batch, patches, P×channels] → [batch, patches, hidden]); the default is built when empty.</summary>
    public string? EncoderPath { get; set; }
}
