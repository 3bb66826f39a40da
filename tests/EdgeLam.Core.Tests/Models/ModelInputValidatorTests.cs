using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Tests.Models;

public sealed class ModelInputValidatorTests
{
    private static readonly TensorSpec[] Specs =
    [
        new("ids", TensorElementType.Int64, [-1, -1], ["batch", "seq"]),
        new("past", TensorElementType.Float16, [-1, 2, -1, 4], ["batch", string.Empty, "past", string.Empty]),
    ];

    [Fact]
    public void Validate_MatchingInputs_Passes()
    {
        ModelInputValidator.Validate(Specs, Inputs(Ids(1, 5), Past(1, 3)));
    }

    [Fact]
    public void Validate_MissingAndUnknown_ListsBoth()
    {
        var e = Assert.Throws<ModelInputException>(() => ModelInputValidator.Validate(Specs, new Dictionary<string, NpyArray> { ["ids"] = Ids(1, 5), ["idz"] = Ids(1, 5) }));

        Assert.Equal(2, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.StartsWith("Unknown input 'idz'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Missing input 'past'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WrongType_NamesBothTypes()
    {
        var wrong = NpyArray.Create<int>([1, 2], [1, 2]);

        var e = Assert.Throws<ModelInputException>(() => ModelInputValidator.Validate(Specs, Inputs(wrong, Past(1, 3))));

        Assert.Equal("Input 'ids' is tensor(int32); the model expects tensor(int64).", Assert.Single(e.Problems));
    }

    [Fact]
    public void Validate_WrongRank_ShowsBothShapes()
    {
        var flat = NpyArray.Create<long>([1, 2, 3], [3]);

        var e = Assert.Throws<ModelInputException>(() => ModelInputValidator.Validate(Specs, Inputs(flat, Past(1, 3))));

        Assert.Equal("Input 'ids' has shape [3]; the model expects [batch, seq].", Assert.Single(e.Problems));
    }

    [Fact]
    public void Validate_WrongFixedDimension_IsRejected()
    {
        var past = new NpyArray(TensorElementType.Float16, [1, 3, 3, 4], new byte[1 * 3 * 3 * 4 * 2]);

        var e = Assert.Throws<ModelInputException>(() => ModelInputValidator.Validate(Specs, Inputs(Ids(1, 5), past)));

        Assert.Contains("[batch, 2, past, 4]", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SymbolicDimensionDisagreesAcrossInputs_IsRejected()
    {
        var e = Assert.Throws<ModelInputException>(() => ModelInputValidator.Validate(Specs, Inputs(Ids(2, 5), Past(1, 3))));

        Assert.Equal("Dimension 'batch' is 2 in input 'ids' but 1 in input 'past'.", Assert.Single(e.Problems));
    }

    private static Dictionary<string, NpyArray> Inputs(NpyArray ids, NpyArray past) => new() { ["ids"] = ids, ["past"] = past };

    private static NpyArray Ids(int batch, int seq) => new(TensorElementType.Int64, [batch, seq], new byte[batch * seq * 8]);

    private static NpyArray Past(int batch, int past) => new(TensorElementType.Float16, [batch, 2, past, 4], new byte[batch * 2 * past * 4 * 2]);
}
