using EdgeLam.Core.Native;
using Ort = Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// Entry point to ONNX Runtime (the official <c>Microsoft.ML.OnnxRuntime</c> API): loads the library (once per process;
/// telemetry disabled first), lists providers, and opens sessions with the configured threads, optimization level and
/// providers (CPU always; CUDA and TensorRT where the loaded library has them, else a warning and CPU).
/// </summary>
public sealed class OnnxRuntime : IDisposable
{
    private bool _disposed;
    private readonly Action<string>? _warning;
    private readonly HashSet<string> _warnedProviders = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private readonly Lock _gate = new();

    private OnnxRuntime(OnnxRuntimeOptions options, LoadedNativeLibrary library, IReadOnlyList<string> providers, Action<string>? warning)
    {
        Options = options;
        LibraryPath = library.Candidate.PathOrName;
        LibrarySource = library.Candidate.Source;
        AvailableProviders = providers;
        _warning = warning;
    }

    /// <summary>The options this runtime was created with.</summary>
    public OnnxRuntimeOptions Options { get; }

    /// <summary>The version the loaded library reports, e.g. <c>1.32.0</c>.</summary>
    public string Version => OnnxRuntimeLibrary.Version;

    /// <summary>The library loaded (a path, or the name given to the system loader).</summary>
    public string LibraryPath { get; }

    /// <summary>Where the library was found.</summary>
    public NativeLibrarySource LibrarySource { get; }

    /// <summary>The execution providers this ONNX Runtime build offers (<c>GetAvailableProviders</c>).</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>Every warning so far (one per requested provider that was unavailable).</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_gate)
            {
                return [.. _warnings];
            }
        }
    }

    /// <summary>Loads ONNX Runtime if needed and creates an environment.</summary>
    /// <param name="options">Library path, providers, threads, optimization level (validated here).</param>
    /// <param name="warning">Receives each warning once (e.g. a requested provider that is missing); may be null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="NativeLibraryLoadException">The library was not found; the message lists every place tried.</exception>
    /// <exception cref="InvalidOperationException">A different library is already loaded, or the library does not fit the managed API.</exception>
    public static OnnxRuntime Create(OnnxRuntimeOptions? options = null, Action<string>? warning = null)
    {
        options ??= new OnnxRuntimeOptions();
        options.ThrowIfInvalid();
        var library = OnnxRuntimeLibrary.EnsureLoaded(options.LibraryPath, options.LogLevel);
        return new OnnxRuntime(options, library, Ort.OrtEnv.Instance().GetAvailableProviders(), warning);
    }

    /// <summary>Opens a model with the settings of <see cref="Options"/>.</summary>
    public OrtSession OpenSession(string modelPath) => OpenSession(modelPath, OrtSessionSettings.From(Options));

    /// <summary>
    /// Opens a model. External data (<c>model.onnx.data</c>) is found relative to the model file. Requested providers
    /// that are unavailable are skipped with one warning each; CPU is always the last provider.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty or a setting is out of range.</exception>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="OrtException">ORT could not load the model (corrupt file, missing external data, unsupported operator).</exception>
    public OrtSession OpenSession(string modelPath, OrtSessionSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(settings);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException("Model file not found: " + fullPath, fullPath);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpThreads, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InterOpThreads, nameof(settings));
        if (!Enum.IsDefined(settings.GraphOptimizationLevel))
        {
            throw new ArgumentException("Unknown graph optimization level " + (int)settings.GraphOptimizationLevel + ".", nameof(settings));
        }

        using var options = new Ort.SessionOptions
        {
            LogSeverityLevel = (Ort.OrtLoggingLevel)Options.LogLevel,
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = settings.InterOpThreads,
            GraphOptimizationLevel = (Ort.GraphOptimizationLevel)settings.GraphOptimizationLevel,
        };
        var sessionWarnings = new List<string>();
        var active = AppendProviders(options, settings.Providers ?? [], sessionWarnings);
        return OrtSession.Open(fullPath, options, active, sessionWarnings);
    }

    /// <summary>Marks the runtime disposed; the process-wide ORT environment and the loaded library stay for the process.</summary>
    public void Dispose() => _disposed = true;

    private List<string> AppendProviders(Ort.SessionOptions options, IReadOnlyList<string> requested, List<string> sessionWarnings)
    {
        var active = new List<string>();
        foreach (var configured in requested)
        {
            var name = ExecutionProvider.Normalize(configured ?? string.Empty)
                ?? throw new ArgumentException("Unknown execution provider '" + configured + "'; supported are CUDA, TensorRT, CPU.", nameof(requested));
            if (name == ExecutionProvider.Cpu)
            {
                break;
            }

            if (!AvailableProviders.Contains(name))
            {
                Warn(name, "Execution provider " + configured + " (" + name + ") was requested but ONNX Runtime " + Version + " at " + LibraryPath
                    + " offers only " + string.Join(", ", AvailableProviders) + "; falling back to the next provider (CPU).", sessionWarnings);
                continue;
            }

            try
            {
                if (name == ExecutionProvider.Cuda)
                {
                    options.AppendExecutionProvider_CUDA(0);
                }
                else
                {
                    options.AppendExecutionProvider_Tensorrt(0);
                }

                active.Add(name);
            }
            catch (Ort.OnnxRuntimeException e)
            {
                var error = OrtErrors.From(e, "Appending " + name);
                Warn(name, "Execution provider " + configured + " (" + name + ") could not be enabled: " + error.OrtMessage + "; falling back to the next provider (CPU).", sessionWarnings);
            }
        }

        active.Add(ExecutionProvider.Cpu);
        return active;
    }

    private void Warn(string provider, string message, List<string> sessionWarnings)
    {
        sessionWarnings.Add(message);
        lock (_gate)
        {
            if (!_warnedProviders.Add(provider))
            {
                return;
            }

            _warnings.Add(message);
        }

        _warning?.Invoke(message);
    }
}
