using System.Globalization;
using EdgeLam.Core.Configuration;

namespace EdgeLam.Training.ZerothOrder;

/// <summary>How the learning rate changes over a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate every step.</summary>
    Constant,

    /// <summary>From the rate down to 0 at the last step, linearly.</summary>
    Linear,

    /// <summary>From the rate down to 0 at the last step along half a cosine.</summary>
    Cosine,
}

/// <summary>
/// Section <c>Training</c>, the optimizer's part: zeroth-order SPSA/MeZO steps with shared seeds. Each step draws
/// <see cref="Perturbations"/> directions z, runs the forward pass at θ + εz and θ − εz, and moves θ by
/// −rate · mean(g·z) with g = (L₊ − L₋) / 2ε, optionally through a momentum buffer.
/// </summary>
public sealed record ZerothOrderOptions
{
    /// <summary>The largest <see cref="Perturbations"/>.</summary>
    public const int MaxPerturbations = 64;

    /// <summary>Seed of the run: with the step number it gives every perturbation (<see cref="PerturbationSeed"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The step size at step 0 (1e-3 by default).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>How the step size decays over <see cref="Steps"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>The run's length in steps (what the schedule decays over).</summary>
    public long Steps { get; init; } = 1000;

    /// <summary>The perturbation's scale ε (1e-3 by default, as in MeZO).</summary>
    public float Epsilon { get; init; } = 1e-3f;

    /// <summary>Directions drawn per step; their projected gradients are averaged.</summary>
    public int Perturbations { get; init; } = 1;

    /// <summary>Momentum β in [0, 1): 0 updates θ from this step's estimate alone.</summary>
    public float Momentum { get; init; }

    /// <summary>Every problem, each naming the key, the value and what is allowed (empty when valid).</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        if (!(float.IsFinite(LearningRate) && LearningRate > 0))
        {
            problems.Add(new("Training:LearningRate", Text(LearningRate), "must be a positive number"));
        }

        if (!Enum.IsDefined(Schedule))
        {
            problems.Add(new("Training:Schedule", Schedule.ToString(), "must be constant, linear or cosine"));
        }

        if (Steps < 1)
        {
            problems.Add(new("Training:Steps", Steps.ToString(CultureInfo.InvariantCulture), "must be at least 1"));
        }

        if (!(float.IsFinite(Epsilon) && Epsilon > 0))
        {
            problems.Add(new("Training:Epsilon", Text(Epsilon), "must be a positive number"));
        }

        if (Perturbations is < 1 or > MaxPerturbations)
        {
            problems.Add(new("Training:Perturbations", Perturbations.ToString(CultureInfo.InvariantCulture), "must be between 1 and " + MaxPerturbations.ToString(CultureInfo.InvariantCulture)));
        }

        if (!(Momentum is >= 0 and < 1))
        {
            problems.Add(new("Training:Momentum", Text(Momentum), "must be at least 0 and below 1"));
        }

        return problems;
    }

    /// <summary>The step size at <paramref name="step"/> (0-based) under <see cref="Schedule"/>.</summary>
    public float RateAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var progress = Math.Min(1.0, (double)step / Steps);
        return Schedule switch
        {
            LearningRateSchedule.Linear => (float)(LearningRate * (1 - progress)),
            LearningRateSchedule.Cosine => (float)(LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress))),
            _ => LearningRate,
        };
    }

    private static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);
}
