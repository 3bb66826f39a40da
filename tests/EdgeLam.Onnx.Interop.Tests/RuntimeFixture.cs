using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>One <see cref="OnnxRuntime"/> for the tests of a collection (the library is loaded once per process anyway).</summary>
public sealed class RuntimeFixture : IDisposable
{
    public RuntimeFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
    }

    public OnnxRuntime Runtime { get; }

    public void Dispose() => Runtime.Dispose();
}

[CollectionDefinition(nameof(RuntimeCollection))]
public sealed class RuntimeCollection : ICollectionFixture<RuntimeFixture>
{
}
