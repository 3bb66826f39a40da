using EdgeLam.Training.ZerothOrder;

namespace EdgeLam.Training.Tests;

public sealed class ZerothOrderOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblem() => Assert.Empty(new ZerothOrderOptions().Validate());

    [Fact]
    public void Validate_EveryValueOutOfRange_EveryKeyNamed()
    {
        var options = new ZerothOrderOptions
        {
            LearningRate = 0,
            Schedule = (LearningRateSchedule)9,
            Steps = 0,
            Epsilon = float.NaN,
            Perturbations = 65,
            Momentum = 1,
        };

        Assert.Equal(
            ["Training:LearningRate", "Training:Schedule", "Training:Steps", "Training:Epsilon", "Training:Perturbations", "Training:Momentum"],
            options.Validate().Select(p => p.Key));
    }

    [Theory]
    [InlineData(LearningRateSchedule.Constant, 0, 0.1f)]
    [InlineData(LearningRateSchedule.Constant, 100, 0.1f)]
    [InlineData(LearningRateSchedule.Linear, 0, 0.1f)]
    [InlineData(LearningRateSchedule.Linear, 25, 0.075f)]
    [InlineData(LearningRateSchedule.Linear, 100, 0f)]
    [InlineData(LearningRateSchedule.Cosine, 50, 0.05f)]
    [InlineData(LearningRateSchedule.Cosine, 100, 0f)]
    [InlineData(LearningRateSchedule.Cosine, 150, 0f)]
    public void RateAt_ScheduleAndStep_ExpectedRate(LearningRateSchedule schedule, long step, float expected)
    {
        var options = new ZerothOrderOptions { LearningRate = 0.1f, Schedule = schedule, Steps = 100 };

        Assert.Equal(expected, options.RateAt(step), 6);
    }
}
