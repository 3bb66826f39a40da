using Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>Options of one or more runs (the official <see cref="RunOptions"/>); lets another thread cancel a run in progress.</summary>
public sealed class OrtRunOptions : IDisposable
{
    private RunOptions? _options;

    /// <summary>Creates run options.</summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime is not loaded.</exception>
    public OrtRunOptions()
    {
        OnnxRuntimeLibrary.ThrowIfNotLoaded();
        _options = new RunOptions();
    }

    /// <summary>The official API's options, for a run.</summary>
    internal RunOptions Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(_options is null, this);
            return _options;
        }
    }

    /// <summary>Makes every run using these options fail as soon as possible (from any thread).</summary>
    public void Terminate() => Native.Terminate = true;

    /// <summary>Lets runs with these options proceed again after <see cref="Terminate"/>.</summary>
    public void ResetTerminate() => Native.Terminate = false;

    /// <inheritdoc />
    public void Dispose()
    {
        _options?.Dispose();
        _options = null;
    }
}
