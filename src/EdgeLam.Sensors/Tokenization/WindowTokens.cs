using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>The patch path's result for one window: normalized patch features and, with an encoder, inputs_embeds.</summary>
public sealed record PatchResult(int Patches, int Width, float[] Features, float[] Means, float[] Stds, int HiddenSize, float[]? Embeddings);

/// <summary>What a window became: Chronos tokens or patch features/embeddings.</summary>
public sealed record WindowTokens(SensorWindow Window, string Tokenizer, TokenizedStream? Tokens, PatchResult? Patch);
