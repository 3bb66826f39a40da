namespace EdgeLam.Sensors.Quality;

/// <summary>
/// What a window does with bad samples (missing, non-finite, out of range, stuck, from a degraded sensor):
/// <list type="bullet">
/// <item><see cref="Impute"/>: replace by linear interpolation between the nearest good samples of the channel (the
/// nearest good one at the edges) and flag Imputed;</item>
/// <item><see cref="Mask"/>: keep the position, set the value to NaN and flag Masked (tokenizers emit PAD with attention
/// mask 0, the patch path feeds 0 after normalization);</item>
/// <item><see cref="Drop"/>: drop the whole window if any sample is bad or follows a gap.</item>
/// </list>
/// Whatever the policy, a window where a channel's bad fraction exceeds MaxBadFraction is dropped.
/// </summary>
public enum BadDataPolicy
{
    Impute,
    Mask,
    Drop,
}
