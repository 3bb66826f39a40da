namespace EdgeLam.Training.ZerothOrder;

/// <summary>What one step did.</summary>
/// <param name="Step">The step (0-based).</param>
/// <param name="Loss">The mean of L₊ and L₋ over the step's kept perturbations (NaN when none was kept).</param>
/// <param name="Gradients">The projected gradient of each perturbation (0 for a dropped one): all a step sends.</param>
/// <param name="Dropped">Perturbations dropped because a loss was not finite.</param>
public sealed record ZerothOrderStepReport(long Step, float Loss, float[] Gradients, int Dropped);

/// <summary>
/// Zeroth-order steps over parameter blocks held in one process (the reference the split run must equal): for each
/// perturbation k, every block is set to θ + εz_k and the loss evaluated, then to θ − εz_k and evaluated again; the
/// projected gradients then update every block (<see cref="ParameterBlock.Apply"/>). The loss function reads the
/// blocks' <see cref="ParameterBlock.Effective"/> values; it is the only thing that runs the model.
/// </summary>
public sealed class ZerothOrderTrainer
{
    private readonly ZerothOrderOptions _options;
    private readonly IReadOnlyList<ParameterBlock> _blocks;

    /// <exception cref="ArgumentException">The options are invalid, or there is no block, or two blocks share a name.</exception>
    public ZerothOrderTrainer(ZerothOrderOptions options, IReadOnlyList<ParameterBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(blocks);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(Core.Configuration.ConfigProblem.Lines(problems), nameof(options));
        }

        if (blocks.Count == 0)
        {
            throw new ArgumentException("Training needs at least one parameter block.", nameof(blocks));
        }

        if (blocks.Select(b => b.Name).Distinct(StringComparer.Ordinal).Count() != blocks.Count)
        {
            throw new ArgumentException("Parameter block names must be unique (they seed the perturbations).", nameof(blocks));
        }

        _options = options;
        _blocks = blocks;
    }

    /// <summary>Runs step <paramref name="step"/>: 2 × <see cref="ZerothOrderOptions.Perturbations"/> loss evaluations and one update.</summary>
    public ZerothOrderStepReport Step(long step, Func<float> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var gradients = new float[_options.Perturbations];
        var total = 0.0;
        var dropped = 0;
        for (var k = 0; k < gradients.Length; k++)
        {
            var plus = Evaluate(step, k, _options.Epsilon, loss);
            var minus = Evaluate(step, k, -_options.Epsilon, loss);
            if (ProjectedGradient.TryCompute(plus, minus, _options.Epsilon, out gradients[k]))
            {
                total += (plus + minus) / 2.0;
            }
            else
            {
                dropped++;
            }
        }

        var rate = _options.RateAt(step);
        foreach (var block in _blocks)
        {
            block.Apply(_options.Seed, step, gradients, rate, _options.Momentum);
        }

        var kept = gradients.Length - dropped;
        return new ZerothOrderStepReport(step, kept == 0 ? float.NaN : (float)(total / kept), gradients, dropped);
    }

    private float Evaluate(long step, int sample, float scale, Func<float> loss)
    {
        foreach (var block in _blocks)
        {
            block.Perturb(_options.Seed, step, sample, scale);
        }

        return loss();
    }
}
