using EdgeLam.Core.Randomness;

namespace EdgeLam.Training.ZerothOrder;

/// <summary>
/// The seed of one perturbation: a pure function of the run's seed, the step, the perturbation's index within the
/// step and the name of the parameter block it perturbs. Every node derives the seeds of its own blocks, so a
/// perturbation is never sent: the step number and the run seed are all two nodes need to agree on.
/// </summary>
public static class PerturbationSeed
{
    /// <summary>The seed of perturbation <paramref name="sample"/> of <paramref name="step"/> for <paramref name="block"/>.</summary>
    /// <exception cref="ArgumentException">The block name is empty, or the step or sample is negative.</exception>
    public static ulong Derive(ulong runSeed, long step, int sample, string block)
    {
        ArgumentException.ThrowIfNullOrEmpty(block);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        var h = SplitMix64.Mix(runSeed ^ 0x9E3779B97F4A7C15UL);
        h = SplitMix64.Mix(h ^ (ulong)step);
        h = SplitMix64.Mix(h ^ ((ulong)sample << 32));
        return SplitMix64.Mix(h ^ Fnv1a64.Hash(block));
    }
}
