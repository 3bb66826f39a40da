using EdgeLam.Training.ZerothOrder;

namespace EdgeLam.Training.Tests;

public sealed class ZerothOrderTrainerTests
{
    private const int Size = 32;

    /// <summary>L(θ) = mean((θ − target)²) over two blocks: a smooth loss with a known minimum of 0.</summary>
    private sealed class Quadratic
    {
        public Quadratic()
        {
            var random = new Random(5);
            Target = [.. Enumerable.Range(0, 2 * Size).Select(_ => (float)(random.NextDouble() * 2 - 1))];
            Blocks = [new ParameterBlock("a", new float[Size]), new ParameterBlock("b", new float[Size])];
        }

        public float[] Target { get; }

        public ParameterBlock[] Blocks { get; }

        public float Loss() => Loss(Blocks[0].Effective, Blocks[1].Effective);

        public float TrueLoss() => Loss(Blocks[0].Values, Blocks[1].Values);

        private float Loss(float[] a, float[] b)
        {
            var sum = 0.0;
            for (var i = 0; i < Size; i++)
            {
                sum += Math.Pow(a[i] - Target[i], 2) + Math.Pow(b[i] - Target[Size + i], 2);
            }

            return (float)(sum / (2 * Size));
        }
    }

    private static readonly ZerothOrderOptions Options = new() { Seed = 11, LearningRate = 0.05f, Epsilon = 1e-3f, Steps = 3000 };

    [Fact]
    public void Step_QuadraticOver3000Steps_LossFallsBelowOnePercent()
    {
        var q = new Quadratic();
        var trainer = new ZerothOrderTrainer(Options, q.Blocks);
        var start = q.TrueLoss();

        for (var step = 0; step < 3000; step++)
        {
            trainer.Step(step, q.Loss);
        }

        Assert.True(q.TrueLoss() < 0.01f * start, $"loss {start} -> {q.TrueLoss()}");
    }

    [Fact]
    public void Apply_ReplicaGivenOnlyTheGradients_BitIdenticalValues()
    {
        // The split run's promise: a node that never sees the loss, only (step, g), ends with the same θ.
        var q = new Quadratic();
        var trainer = new ZerothOrderTrainer(Options with { Perturbations = 3, Momentum = 0.5f }, q.Blocks);
        var replica = new ParameterBlock("b", new float[Size]);

        for (var step = 0; step < 200; step++)
        {
            var report = trainer.Step(step, q.Loss);
            replica.Apply(Options.Seed, step, report.Gradients, Options.RateAt(step), 0.5f);
        }

        Assert.Equal(q.Blocks[1].Values, replica.Values);
        Assert.NotEqual(new float[Size], replica.Values);
    }

    [Fact]
    public void Step_LossNotFinite_SampleDroppedAndValuesUnchanged()
    {
        var block = new ParameterBlock("a", [1f, 2f, 3f]);
        var trainer = new ZerothOrderTrainer(Options, [block]);

        var report = trainer.Step(0, () => float.NaN);

        Assert.Equal(1, report.Dropped);
        Assert.True(float.IsNaN(report.Loss));
        Assert.Equal([1f, 2f, 3f], block.Values);
        Assert.Equal([1f, 2f, 3f], block.Effective);
    }

    [Fact]
    public void Load_CheckpointMidRun_ResumedRunEqualsUninterrupted()
    {
        var options = Options with { Momentum = 0.9f, Schedule = LearningRateSchedule.Cosine, Steps = 100 };
        var straight = new Quadratic();
        var first = new ZerothOrderTrainer(options, straight.Blocks);
        for (var step = 0; step < 100; step++)
        {
            first.Step(step, straight.Loss);
        }

        var interrupted = new Quadratic();
        var before = new ZerothOrderTrainer(options, interrupted.Blocks);
        for (var step = 0; step < 40; step++)
        {
            before.Step(step, interrupted.Loss);
        }

        var resumed = new Quadratic();
        for (var i = 0; i < 2; i++)
        {
            resumed.Blocks[i].Load(interrupted.Blocks[i].Values, interrupted.Blocks[i].Momentum);
        }

        var after = new ZerothOrderTrainer(options, resumed.Blocks);
        for (var step = 40; step < 100; step++)
        {
            after.Step(step, resumed.Loss);
        }

        Assert.Equal(straight.Blocks[0].Values, resumed.Blocks[0].Values);
        Assert.Equal(straight.Blocks[1].Values, resumed.Blocks[1].Values);
    }

    [Fact]
    public void Step_Gradient_CentralDifferenceOfTheTwoLosses()
    {
        var block = new ParameterBlock("a", [0f]);
        var trainer = new ZerothOrderTrainer(Options with { LearningRate = 1e-6f }, [block]);

        // L(x) = 3x: the directional derivative along z = ±1 is 3z.
        var report = trainer.Step(0, () => 3 * block.Effective[0]);
        var z = new float[1];
        Rademacher.Fill(PerturbationSeed.Derive(Options.Seed, 0, 0, "a"), z);

        Assert.Equal(3 * z[0], report.Gradients[0], 2);
    }

    [Fact]
    public void Constructor_DuplicateBlockNames_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ZerothOrderTrainer(Options, [new ParameterBlock("a", [1f]), new ParameterBlock("a", [2f])]));
    }
}
