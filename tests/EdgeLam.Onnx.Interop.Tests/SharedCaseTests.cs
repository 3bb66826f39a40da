using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;

namespace EdgeLam.Onnx.Interop.Tests;

[Collection(nameof(RuntimeCollection))]
public sealed class SharedCaseTests(RuntimeFixture fixture)
{
    public static TheoryData<string> Cases => SharedCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void OrtSession_SharedCase_ReproducesReferenceOutputs(string caseName)
    {
        var dir = SharedCases.CaseDirectory(caseName);
        var inputs = NpyDirectory.ReadAll(Path.Combine(dir, "inputs"));
        var expected = NpyDirectory.ReadAll(Path.Combine(dir, "outputs"));
        using var runner = new OrtModelRunner(fixture.Runtime.OpenSession(SharedCases.ModelPath(caseName)));

        ModelInputValidator.Validate(runner.Inputs, inputs);
        var actual = runner.Run(inputs);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        SharedCases.AssertMatches(expected, actual);
    }
}
