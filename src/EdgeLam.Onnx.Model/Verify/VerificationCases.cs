using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Model.Synthetic;

namespace EdgeLam.Onnx.Model.Verify;

/// <summary>One generated set of inputs: every declared input filled, with the sizes its dynamic dimensions got.</summary>
/// <param name="Name">prefill, decode, or tokens for a model without KV cache.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Sequence">New tokens.</param>
/// <param name="Past">KV-cache positions given as input.</param>
/// <param name="Inputs">Every input by name.</param>
public sealed record VerificationCase(string Name, int Batch, int Sequence, int Past, IReadOnlyDictionary<string, NpyArray> Inputs);

/// <summary>
/// Generates inputs for comparing a split with its source, from the declared inputs alone. Dynamic dimensions: the
/// first axis is the batch (1); the other dynamic axes of token-id inputs are the new tokens, those of KV-cache inputs
/// the past positions, any other the total length (past + new); a symbolic name keeps the size it first got. Values:
/// indices into an embedding table are seeded pseudo-random rows of that table, KV cache and other float inputs seeded
/// uniform values in [-1, 1), integer inputs named like positions count from the past length, other integer inputs
/// (attention masks) are 1, booleans true.
/// </summary>
public static class VerificationCases
{
    /// <summary>New tokens in the prefill (or only) case.</summary>
    public const int PrefillTokens = 4;

    /// <summary>Past positions in the decode case.</summary>
    public const int DecodePast = 4;

    private enum Role
    {
        Index,
        Cache,
        Other,
    }

    /// <summary>
    /// A prefill (4 new tokens, empty cache) and a decode case (1 new token on 4 random past positions) for a model
    /// with KV-cache inputs; one case of 4 tokens otherwise.
    /// </summary>
    /// <exception cref="ModelSurgeryException">An input has an element type no value can be generated for.</exception>
    public static IReadOnlyList<VerificationCase> Generate(IReadOnlyList<TensorSpec> inputs, InputRoles roles, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(roles);
        if (!inputs.Any(i => roles.CacheInputs.Contains(i.Name)))
        {
            return [Make("tokens", inputs, roles, 1, PrefillTokens, 0, seed)];
        }

        return [Make("prefill", inputs, roles, 1, PrefillTokens, 0, seed), Make("decode", inputs, roles, 1, 1, DecodePast, seed + 1)];
    }

    private static VerificationCase Make(string name, IReadOnlyList<TensorSpec> inputs, InputRoles roles, int batch, int sequence, int past, ulong seed)
    {
        Role RoleOf(TensorSpec s) => roles.IndexRanges.ContainsKey(s.Name) ? Role.Index
            : roles.CacheInputs.Contains(s.Name) ? Role.Cache
            : Role.Other;

        // Token ids and cache first, so that their symbolic dimensions name the sizes others share.
        var symbols = new Dictionary<string, long>(StringComparer.Ordinal);
        var values = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var spec in inputs.OrderBy(s => (int)RoleOf(s)))
        {
            var role = RoleOf(spec);
            var shape = new long[spec.Rank];
            for (var axis = 0; axis < spec.Rank; axis++)
            {
                if (spec.Shape[axis] >= 0)
                {
                    shape[axis] = spec.Shape[axis];
                    continue;
                }

                var symbol = spec.SymbolicDimensions[axis];
                if (symbol.Length > 0 && symbols.TryGetValue(symbol, out var known))
                {
                    shape[axis] = known;
                    continue;
                }

                shape[axis] = axis == 0 ? batch : role switch
                {
                    Role.Index => sequence,
                    Role.Cache => past,
                    _ => past + sequence,
                };
                if (symbol.Length > 0)
                {
                    symbols[symbol] = shape[axis];
                }
            }

            values[spec.Name] = Fill(spec, role, shape, roles, past, seed);
        }

        return new VerificationCase(name, batch, sequence, past, values);
    }

    private static NpyArray Fill(TensorSpec spec, Role role, long[] shape, InputRoles roles, int past, ulong seed)
    {
        var count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        var random = new SeededRandom(seed, spec.Name);
        var last = shape.Length == 0 ? 1 : Math.Max(1, shape[^1]);
        var isPosition = spec.Name.Contains("position", StringComparison.OrdinalIgnoreCase);
        long Integer(int i) => isPosition ? past + (i % last)
            : role == Role.Index ? (long)(random.NextUInt64() % (ulong)roles.IndexRanges[spec.Name])
            : 1;

        switch (spec.ElementType)
        {
            case TensorElementType.Int64:
                return NpyArray.Create<long>(Enumerable.Range(0, count).Select(Integer).ToArray(), shape);
            case TensorElementType.Int32:
                return NpyArray.Create<int>(Enumerable.Range(0, count).Select(i => (int)Integer(i)).ToArray(), shape);
            case TensorElementType.Bool:
                return NpyArray.Create<bool>(Enumerable.Repeat(true, count).ToArray(), shape);
            case TensorElementType.Float32:
                return NpyArray.Create<float>(Enumerable.Range(0, count).Select(_ => random.NextSigned()).ToArray(), shape);
            case TensorElementType.Float16:
                return NpyArray.Create<Half>(Enumerable.Range(0, count).Select(_ => (Half)random.NextSigned()).ToArray(), shape);
            case TensorElementType.Float64:
                return NpyArray.Create<double>(Enumerable.Range(0, count).Select(_ => (double)random.NextSigned()).ToArray(), shape);
            default:
                throw new ModelSurgeryException(
                    $"--verify cannot generate input '{spec.Name}' of type {spec.ElementType.OnnxName()}; "
                    + "it fills int64, int32, bool, float32, float16 and float64 inputs.");
        }
    }
}
