using EdgeLam.Core.Tensors;
using Ort = Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// A loaded model (the official <see cref="Ort.InferenceSession"/>) with its input/output metadata. Runs either return
/// ORT-allocated outputs or write into caller-preallocated outputs; <see cref="CreateBinding"/> prepares an
/// <see cref="Ort.OrtIoBinding"/> run that allocates nothing per call. A session may be run from several threads at
/// once (ORT guarantees this for <c>Run</c>).
/// </summary>
public sealed class OrtSession : IDisposable
{
    private readonly Dictionary<string, int> _inputIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _outputIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _feedIndex = new(StringComparer.Ordinal);
    private readonly TensorSpec[] _feeds;
    private readonly Ort.RunOptions _defaultRunOptions;
    private Ort.InferenceSession? _session;

    private OrtSession(string modelPath, Ort.InferenceSession session, IReadOnlyList<string> providers, IReadOnlyList<string> warnings)
    {
        ModelPath = modelPath;
        ExecutionProviders = providers;
        Warnings = warnings;
        _session = session;
        Inputs = ReadSpecs(session.InputNames, session.InputMetadata, _inputIndex);
        Outputs = ReadSpecs(session.OutputNames, session.OutputMetadata, _outputIndex);
        Overridable = ReadSpecs([.. session.OverridableInitializerMetadata.Keys], session.OverridableInitializerMetadata, new Dictionary<string, int>(StringComparer.Ordinal));
        _feeds = [.. Inputs, .. Overridable];
        for (var i = 0; i < _feeds.Length; i++)
        {
            _feedIndex[_feeds[i].Name] = i;
        }
        _defaultRunOptions = new Ort.RunOptions();
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }

    /// <summary>The model's inputs in declaration order; dynamic dimensions are -1 with their symbolic names.</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>
    /// Initializers that are also graph inputs (IR ≥ 4): constants with a default a run may replace by feeding a value
    /// under their name (adapters made by <c>model adapt</c>). Not among <see cref="Inputs"/>, which a run must feed.
    /// </summary>
    public IReadOnlyList<TensorSpec> Overridable { get; }

    /// <summary>The model's outputs in declaration order.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>The providers registered for this session in order; always ends with CPU.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; }

    /// <summary>Warnings raised while creating the session (requested providers that were not available).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The official API's session.</summary>
    internal Ort.InferenceSession Native
    {
        get
        {
            ThrowIfDisposed();
            return _session!;
        }
    }

    /// <summary>Run options for runs given none.</summary>
    internal Ort.RunOptions DefaultRunOptions => _defaultRunOptions;

    internal static OrtSession Open(string modelPath, Ort.SessionOptions options, IReadOnlyList<string> providers, IReadOnlyList<string> warnings)
    {
        Ort.InferenceSession session;
        try
        {
            session = new Ort.InferenceSession(modelPath, options);
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OrtErrors.From(e, "Loading model " + modelPath);
        }

        try
        {
            return new OrtSession(modelPath, session, providers, warnings);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Position of an input, or -1.</summary>
    public int GetInputIndex(string name) => _inputIndex.GetValueOrDefault(name ?? throw new ArgumentNullException(nameof(name)), -1);

    /// <summary>Position of an output, or -1.</summary>
    public int GetOutputIndex(string name) => _outputIndex.GetValueOrDefault(name ?? throw new ArgumentNullException(nameof(name)), -1);

    /// <summary>Runs with ORT-allocated outputs; the caller disposes the returned values.</summary>
    /// <exception cref="ArgumentException">Counts differ, a value is null, or a name is unknown to the model.</exception>
    /// <exception cref="OrtException">ORT rejected the inputs (type, rank, shape) or a kernel failed.</exception>
    public OrtValue[] Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames, OrtRunOptions? runOptions = null)
    {
        CheckRunArguments(inputNames, inputs, outputNames);
        var options = runOptions?.Native ?? _defaultRunOptions;
        var native = Natives(inputs);
        IReadOnlyList<Ort.OrtValue> raw;
        try
        {
            // Not disposed: disposing the collection would free its values, whose ownership moves to the OrtValues made below.
            var results = _session!.Run(options, [.. inputNames], native, [.. outputNames]);
            raw = [.. results];
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OrtErrors.From(e, "Run");
        }

        return Adopt(raw);
    }

    /// <summary>Runs and writes the outputs into <paramref name="outputs"/>, which the caller allocated with the exact output shapes.</summary>
    /// <exception cref="ArgumentException">Counts differ, a value is null, or a name is unknown to the model.</exception>
    /// <exception cref="OrtException">ORT rejected an input or output (type, rank, shape) or a kernel failed.</exception>
    public void Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames, IReadOnlyList<OrtValue> outputs, OrtRunOptions? runOptions = null)
    {
        CheckRunArguments(inputNames, inputs, outputNames);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count != outputNames.Count)
        {
            throw new ArgumentException(outputNames.Count + " output names but " + outputs.Count + " output values.", nameof(outputs));
        }

        CheckValues(outputs, nameof(outputs));
        var options = runOptions?.Native ?? _defaultRunOptions;
        try
        {
            _session!.Run(options, [.. inputNames], Natives(inputs), [.. outputNames], Natives(outputs));
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OrtErrors.From(e, "Run");
        }
    }

    /// <summary>Prepares a run over fixed input and output names (an <see cref="Ort.OrtIoBinding"/>) that allocates nothing per call.</summary>
    public OrtRunBinding CreateBinding(IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    {
        ThrowIfDisposed();
        CheckNames(inputNames, _feedIndex, _feeds, "input", nameof(inputNames));
        CheckNames(outputNames, _outputIndex, Outputs, "output", nameof(outputNames));
        return new OrtRunBinding(this, inputNames, outputNames);
    }

    /// <summary>Frees the session.</summary>
    public void Dispose()
    {
        if (_session is { } session)
        {
            _session = null;
            session.Dispose();
            _defaultRunOptions.Dispose();
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_session is null, this);

    private static void CheckNames(IReadOnlyList<string> names, Dictionary<string, int> index, IReadOnlyList<TensorSpec> specs, string kind, string parameter)
    {
        ArgumentNullException.ThrowIfNull(names, parameter);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name is null)
            {
                throw new ArgumentException("An " + kind + " name is null.", parameter);
            }

            if (!index.ContainsKey(name))
            {
                throw new ArgumentException("Unknown " + kind + " '" + name + "'; the model's " + kind + "s are: " + string.Join(", ", specs.Select(s => s.Name)) + ".", parameter);
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException("The " + kind + " '" + name + "' is given twice.", parameter);
            }
        }
    }

    private void CheckRunArguments(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(inputs);
        CheckNames(inputNames, _feedIndex, _feeds, "input", nameof(inputNames));
        CheckNames(outputNames, _outputIndex, Outputs, "output", nameof(outputNames));
        if (inputs.Count != inputNames.Count)
        {
            throw new ArgumentException(inputNames.Count + " input names but " + inputs.Count + " input values.", nameof(inputs));
        }

        if (outputNames.Count == 0)
        {
            throw new ArgumentException("At least one output must be requested.", nameof(outputNames));
        }

        CheckValues(inputs, nameof(inputs));
    }

    private static void CheckValues(IReadOnlyList<OrtValue> values, string parameter)
    {
        foreach (var v in values)
        {
            if (v is null)
            {
                throw new ArgumentException("A value is null.", parameter);
            }

            v.ThrowIfDisposed();
        }
    }

    private static Ort.OrtValue[] Natives(IReadOnlyList<OrtValue> values)
    {
        var native = new Ort.OrtValue[values.Count];
        for (var i = 0; i < native.Length; i++)
        {
            native[i] = values[i].Native;
        }

        return native;
    }

    private static OrtValue[] Adopt(IReadOnlyList<Ort.OrtValue> raw)
    {
        var result = new OrtValue[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            try
            {
                result[i] = OrtValue.FromRunOutput(raw[i]);
            }
            catch
            {
                for (var j = 0; j < i; j++)
                {
                    result[j].Dispose();
                }

                for (var j = i; j < raw.Count; j++)
                {
                    raw[j].Dispose();
                }

                throw;
            }
        }

        return result;
    }

    private static TensorSpec[] ReadSpecs(IReadOnlyList<string> names, IReadOnlyDictionary<string, Ort.NodeMetadata> metadata, Dictionary<string, int> index)
    {
        var specs = new TensorSpec[names.Count];
        for (var i = 0; i < specs.Length; i++)
        {
            var name = names[i];
            var node = metadata[name];
            specs[i] = node.IsTensor
                ? new TensorSpec(name, ElementTypes.FromOrt(node.ElementDataType), [.. node.Dimensions.Select(d => (long)d)], [.. node.SymbolicDimensions.Select(d => d ?? string.Empty)])
                : new TensorSpec(name, TensorElementType.Undefined, []);
            index[name] = i;
        }

        return specs;
    }
}
