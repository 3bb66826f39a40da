using EdgeLam.Onnx.Model.Quantization;

namespace EdgeLam.Onnx.Model.Tests;

public class NamePatternTests
{
    [Theory]
    [InlineData("lm_head", "/lm_head/MatMul", true)]
    [InlineData("lm_head", "/model/layers.0/mlp/MatMul", false)]
    [InlineData("layers.1?.", "/model/layers.12.attn/MatMul", true)]
    [InlineData("layers.1?.", "/model/layers.1.attn/MatMul", false)]
    [InlineData("layers.*.mlp", "/model/layers.3.attn/x/layers.4.mlp/MatMul", true)]
    [InlineData("q*proj", "model.layers.0.self_attn.k_proj.weight", false)]
    [InlineData("q*proj", "model.layers.0.self_attn.q_proj.weight", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXcYb", false)]
    [InlineData("*", "", true)]
    [InlineData("x", "", false)]
    public void IsFoundIn_PatternAndName_GlobAnywhere(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, NamePattern.IsFoundIn(pattern, name));
    }

    [Fact]
    public void IsFoundIn_RegexMetacharacters_TakenLiterally()
    {
        Assert.True(NamePattern.IsFoundIn("(a)[b]+", "x(a)[b]+y"));
        Assert.False(NamePattern.IsFoundIn("a.c", "abc"));
    }

    [Fact]
    public void Validate_PatternMatchingEverything_Refused()
    {
        var problems = new QuantizeOptions { Exclude = ["**"] }.Validate();

        Assert.Contains(problems, p => p.Contains("would leave every weight unquantized", StringComparison.Ordinal));
    }
}
