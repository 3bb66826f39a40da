namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// One window of one stream as tokens: for each channel, <c>Length</c> bin ids followed by EOS (PAD, attention 0, where
/// the value was missing or masked); <see cref="Scales"/> holds each channel's mean-absolute scale for decoding.
/// </summary>
public sealed record TokenizedStream(string Stream, int[] Ids, byte[] AttentionMask, float[] Scales, long StartNs, long EndNs);
