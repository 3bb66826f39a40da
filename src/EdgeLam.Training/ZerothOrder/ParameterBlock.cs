namespace EdgeLam.Training.ZerothOrder;

/// <summary>
/// One trainable tensor a node owns (an adapter factor, a norm gain, a head): its values θ, the values the forward
/// pass reads (θ or θ ± εz), and its momentum buffer. θ never leaves the node; only the step's scalars arrive. The
/// perturbed values are written beside θ rather than added to it and taken off again, so θ stays exact and a node
/// that applies the same (seed, g) sequence holds bit-identical values wherever it runs.
/// </summary>
public sealed class ParameterBlock
{
    private readonly float[] _momentum;

    /// <summary>A block with initial values <paramref name="initial"/> (copied).</summary>
    /// <exception cref="ArgumentException">The name is empty or the values are empty.</exception>
    public ParameterBlock(string name, ReadOnlySpan<float> initial)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (initial.IsEmpty)
        {
            throw new ArgumentException("A parameter block needs at least one value.", nameof(initial));
        }

        Name = name;
        Values = initial.ToArray();
        Effective = initial.ToArray();
        _momentum = new float[initial.Length];
    }

    /// <summary>The block's name, unique within the model (part of every perturbation's seed).</summary>
    public string Name { get; }

    /// <summary>θ: the trained values (what a checkpoint stores).</summary>
    public float[] Values { get; }

    /// <summary>What the forward pass reads: θ, or θ ± εz during a step.</summary>
    public float[] Effective { get; }

    /// <summary>The momentum buffer (zeros until a step with momentum).</summary>
    public ReadOnlySpan<float> Momentum => _momentum;

    /// <summary>Sets <see cref="Effective"/> to θ + <paramref name="scale"/> · z for the perturbation's seed.</summary>
    public void Perturb(ulong runSeed, long step, int sample, float scale) =>
        Rademacher.Perturbed(PerturbationSeed.Derive(runSeed, step, sample, Name), scale, Values, Effective);

    /// <summary>Sets <see cref="Effective"/> back to θ.</summary>
    public void Restore() => Values.CopyTo(Effective, 0);

    /// <summary>
    /// The update of <paramref name="step"/> from its projected gradients, one per perturbation (a dropped sample's
    /// gradient is 0): d = mean(g_k · z_k); m ← β·m + d; θ ← θ − rate · m (β = 0: θ ← θ − rate · d). Then
    /// <see cref="Effective"/> = θ.
    /// </summary>
    public void Apply(ulong runSeed, long step, ReadOnlySpan<float> gradients, float rate, float momentum)
    {
        if (gradients.IsEmpty)
        {
            throw new ArgumentException("A step has at least one perturbation.", nameof(gradients));
        }

        if (momentum == 0)
        {
            for (var k = 0; k < gradients.Length; k++)
            {
                if (gradients[k] != 0)
                {
                    Rademacher.AddScaled(PerturbationSeed.Derive(runSeed, step, k, Name), -rate * gradients[k] / gradients.Length, Values);
                }
            }
        }
        else
        {
            var m = _momentum.AsSpan();
            for (var i = 0; i < m.Length; i++)
            {
                m[i] *= momentum;
            }

            for (var k = 0; k < gradients.Length; k++)
            {
                if (gradients[k] != 0)
                {
                    Rademacher.AddScaled(PerturbationSeed.Derive(runSeed, step, k, Name), gradients[k] / gradients.Length, m);
                }
            }

            var theta = Values.AsSpan();
            for (var i = 0; i < theta.Length; i++)
            {
                theta[i] -= rate * m[i];
            }
        }

        Restore();
    }

    /// <summary>Restores θ and the momentum buffer from a checkpoint.</summary>
    /// <exception cref="ArgumentException">A span's length differs from the block's.</exception>
    public void Load(ReadOnlySpan<float> values, ReadOnlySpan<float> momentum)
    {
        if (values.Length != Values.Length || momentum.Length != _momentum.Length)
        {
            throw new ArgumentException($"Block '{Name}' has {Values.Length} values; the checkpoint has {values.Length} values and {momentum.Length} momentum entries.");
        }

        values.CopyTo(Values);
        momentum.CopyTo(_momentum);
        Restore();
    }
}
