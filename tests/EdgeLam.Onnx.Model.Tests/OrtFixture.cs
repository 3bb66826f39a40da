using EdgeLam.Core.Models;
using EdgeLam.Onnx.Interop;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// One ONNX Runtime for the split tests. Graph optimizations are off (as for the shared reference cases), so the
/// unsplit model and its segments run the same kernels and any difference comes from the surgery.
/// </summary>
public sealed class OrtFixture : IDisposable
{
    public OrtFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions
        {
            LibraryPath = TestPaths.OnnxRuntimeLibrary,
            IntraOpThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.Disabled,
        });
    }

    public OnnxRuntime Runtime { get; }

    public IModelRunner Open(string modelPath) => new OrtModelRunner(Runtime.OpenSession(modelPath));

    public void Dispose() => Runtime.Dispose();
}

[CollectionDefinition(nameof(OrtCollection))]
public sealed class OrtCollection : ICollectionFixture<OrtFixture>
{
}
