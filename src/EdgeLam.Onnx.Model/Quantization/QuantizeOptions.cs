namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>What <see cref="ModelQuantizer"/> does; checked by <see cref="Validate"/> before any file is read.</summary>
public sealed class QuantizeOptions
{
    /// <summary>Block sizes ONNX Runtime's MatMulNBits accepts (a power of two, at least 16).</summary>
    public static readonly IReadOnlyList<int> BlockSizes = [16, 32, 64, 128, 256];

    /// <summary>Bits per weight: 4 or 8.</summary>
    public int Bits { get; init; } = 4;

    /// <summary>Values per block along K, each block with its own scale (and zero point).</summary>
    public int BlockSize { get; init; } = 32;

    /// <summary>No zero points (ONNX Runtime assumes 2^(bits−1)); else each block stores one.</summary>
    public bool Symmetric { get; init; }

    /// <summary>MatMulNBits <c>accuracy_level</c>: the minimum precision of A in the product (0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8).</summary>
    public int AccuracyLevel { get; init; }

    /// <summary>Globs (<see cref="NamePattern"/>); a node whose name or weight name contains a match is left as it is.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Bits is not (4 or 8))
        {
            problems.Add($"bits must be 4 or 8 (got {Bits}).");
        }

        if (!BlockSizes.Contains(BlockSize))
        {
            problems.Add($"block size must be one of {string.Join(", ", BlockSizes)} (got {BlockSize}).");
        }

        if (AccuracyLevel is < 0 or > 4)
        {
            problems.Add($"accuracy level must be 0..4 (got {AccuracyLevel}).");
        }

        foreach (var pattern in Exclude.Where(p => p.Length == 0 || p.All(c => c == '*')))
        {
            problems.Add($"exclude pattern '{pattern}' would leave every weight unquantized.");
        }

        return problems;
    }

    /// <summary>True when <paramref name="name"/> matches an exclude pattern.</summary>
    internal bool Excludes(string name) =>
        Exclude.Any(p => NamePattern.IsFoundIn(p, name));
}
