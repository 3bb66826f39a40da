using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Fuzz.Tests.Targets;
using EdgeLam.Testing;

namespace EdgeLam.Fuzz.Tests;

/// <summary>
/// Bounded runs of every fuzz target (the long mode, ≥ 1 M cases per target, is bench/EdgeLam.Fuzz.Bench). Each run
/// must reach both outcomes (the mutants are neither all refused nor all taken) and must never see an exception
/// escape the parser.
/// </summary>
public sealed class FuzzTargetTests
{
    private const int Cases = 20_000;

    [Fact]
    public void Frame_20000Mutants_TypedErrorOrFrameNeverThrows() => AssertClean(new FrameTarget());

    [Fact]
    public void ControlMessages_20000Mutants_DecodedOrControlMessageExceptionNeverThrows() => AssertClean(new ControlMessageTarget());

    [Fact]
    public void Manifest_20000Mutants_ParsedCompleteOrModelFormatExceptionNeverThrows() =>
        AssertClean(ManifestTarget.FromModel(Path.Combine(TestPaths.SharedModels, "phi3-torchscript", "model.onnx")));

    [Fact]
    public void SiteScenario_20000Mutants_PlannedOrProblemsNeverThrows() => AssertClean(new SiteScenarioTarget());

    [Fact]
    public void Configuration_20000Mutants_SettingsOrProblemsNeverThrows()
    {
        using var target = new ConfigurationTarget();
        AssertClean(target);
    }

    [Fact]
    public void MqttReading_20000Mutants_ReadingOrErrorNeverThrows() => AssertClean(new MqttReadingTarget());

    [Fact]
    public void Envelope_20000Mutants_ReadOrReasonAndStableAcrossAHop() => AssertClean(new EnvelopeTarget());

    [Fact]
    public void OfflineRecord_20000Mutants_OkIncompleteOrCorruptNeverThrows() => AssertClean(new OfflineRecordTarget());

    [Fact]
    public void Mutator_SameSeed_SameInputs()
    {
        var seeds = new ControlMessageTarget().Seeds;
        var a = new Mutator(new Random(5), json: true);
        var b = new Mutator(new Random(5), json: true);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(a.Next(seeds), b.Next(seeds));
        }
    }

    private static void AssertClean(FuzzTarget target)
    {
        var report = FuzzRunner.Run(target, Cases, seed: 20261205);

        Assert.True(report.Crashes == 0, report.ToString());
        Assert.True(report.Accepted > target.Seeds.Count, "no mutant was accepted: " + report);
        Assert.True(report.Rejected > Cases / 10, "too few mutants were refused: " + report);
    }
}
