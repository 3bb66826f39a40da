using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Models;

/// <summary>Checks named tensors against a model's declared inputs before anything runs.</summary>
public static class ModelInputValidator
{
    /// <summary>
    /// Throws when an input is missing, a name is unknown, an element type differs, a rank differs, a fixed dimension
    /// differs, or one symbolic dimension (e.g. <c>batch_size</c>) takes different values across inputs.
    /// </summary>
    /// <exception cref="ModelInputException">Lists every problem found.</exception>
    public static void Validate(IReadOnlyList<TensorSpec> specs, IReadOnlyDictionary<string, NpyArray> inputs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(inputs);
        var problems = new List<string>();
        var known = new HashSet<string>(specs.Select(s => s.Name), StringComparer.Ordinal);
        foreach (var name in inputs.Keys.Where(n => !known.Contains(n)).Order(StringComparer.Ordinal))
        {
            problems.Add("Unknown input '" + name + "'; the model's inputs are: " + string.Join(", ", specs.Select(s => s.Name)) + ".");
        }

        var symbols = new Dictionary<string, (long Value, string Input)>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!inputs.TryGetValue(spec.Name, out var array))
            {
                problems.Add("Missing input '" + spec.Name + "' (" + spec + ").");
                continue;
            }

            if (array.ElementType != spec.ElementType)
            {
                problems.Add("Input '" + spec.Name + "' is tensor(" + array.ElementType.OnnxName() + "); the model expects tensor(" + spec.ElementType.OnnxName() + ").");
            }

            if (!spec.Accepts(array.Shape))
            {
                problems.Add("Input '" + spec.Name + "' has shape " + TensorShape.Format(array.Shape) + "; the model expects " + TensorShape.Format([.. spec.Shape], spec.SymbolicDimensions) + ".");
                continue;
            }

            for (var i = 0; i < spec.Rank; i++)
            {
                var symbol = spec.SymbolicDimensions[i];
                if (spec.Shape[i] >= 0 || symbol.Length == 0)
                {
                    continue;
                }

                if (symbols.TryGetValue(symbol, out var seen) && seen.Value != array.Shape[i])
                {
                    problems.Add("Dimension '" + symbol + "' is " + seen.Value + " in input '" + seen.Input + "' but " + array.Shape[i] + " in input '" + spec.Name + "'.");
                }
                else
                {
                    symbols.TryAdd(symbol, (array.Shape[i], spec.Name));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelInputException(problems);
        }
    }
}
