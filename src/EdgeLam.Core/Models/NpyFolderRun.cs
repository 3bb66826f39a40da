using EdgeLam.Core.Npy;

namespace EdgeLam.Core.Models;

/// <summary>
/// Feeds a folder of <c>NAME.npy</c> files to an <see cref="IModelRunner"/> and writes every output as
/// <c>NAME.npy</c> — what <c>edgelam model run</c> does, independent of the runner.
/// </summary>
public static class NpyFolderRun
{
    /// <summary>Reads <paramref name="inputDirectory"/>, validates, runs, writes into <paramref name="outputDirectory"/>.</summary>
    /// <returns>The output names written, in the order the runner declares them.</returns>
    /// <exception cref="DirectoryNotFoundException">The input folder does not exist.</exception>
    /// <exception cref="NpyFormatException">An input file is not a supported .npy file.</exception>
    /// <exception cref="ModelInputException">Inputs are missing, unknown, mistyped or misshaped.</exception>
    public static IReadOnlyList<string> Run(IModelRunner runner, string inputDirectory, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentException.ThrowIfNullOrEmpty(inputDirectory);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var inputs = NpyDirectory.ReadAll(inputDirectory);
        ModelInputValidator.Validate(runner.Inputs, inputs);
        var outputs = runner.Run(inputs);
        NpyDirectory.WriteAll(outputDirectory, outputs);
        return [.. runner.Outputs.Select(o => o.Name).Where(outputs.ContainsKey)];
    }
}
