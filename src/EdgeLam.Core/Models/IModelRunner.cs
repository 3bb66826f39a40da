using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Models;

/// <summary>
/// Something that maps named input tensors to named output tensors: one ONNX Runtime session, or a chain of split
/// segments. <c>edgelam model run</c> drives any implementation through <see cref="NpyFolderRun"/>.
/// </summary>
public interface IModelRunner : IDisposable
{
    /// <summary>The inputs the runner expects.</summary>
    IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>The outputs the runner produces.</summary>
    IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Runs once. Implementations may assume the inputs passed <see cref="ModelInputValidator.Validate"/>.</summary>
    /// <returns>Every output by name.</returns>
    IReadOnlyDictionary<string, NpyArray> Run(IReadOnlyDictionary<string, NpyArray> inputs);
}
