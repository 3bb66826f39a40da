using Ort = Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// A prepared run over the official <see cref="Ort.OrtIoBinding"/>: values are bound once (binding names a value in
/// native code, which costs a managed UTF-8 copy of the name, so a value already bound at a position is not bound
/// again), and <see cref="Run"/> then calls <c>RunWithBinding</c> with reused run options, allocating no managed
/// memory. Outputs must be preallocated (<see cref="OrtValue.Allocate"/> or caller memory) with the exact output
/// shapes; ORT writes into them. The binding does not own the bound values. Not thread-safe: one binding per thread.
/// </summary>
public sealed class OrtRunBinding : IDisposable
{
    private readonly OrtSession _session;
    private readonly OrtValue?[] _inputs;
    private readonly OrtValue?[] _outputs;
    private readonly string[] _inputNameList;
    private readonly string[] _outputNameList;
    private Ort.OrtIoBinding? _binding;

    internal OrtRunBinding(OrtSession session, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    {
        _session = session;
        _inputNameList = [.. inputNames];
        _outputNameList = [.. outputNames];
        _inputs = new OrtValue?[inputNames.Count];
        _outputs = new OrtValue?[outputNames.Count];
        _binding = session.Native.CreateIoBinding();
    }

    /// <summary>The input names, in binding order.</summary>
    public IReadOnlyList<string> InputNames => _inputNameList;

    /// <summary>The output names, in binding order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNameList;

    /// <summary>Binds the value for input <paramref name="index"/> (position in <see cref="InputNames"/>); binding the value already bound there costs nothing.</summary>
    public void BindInput(int index, OrtValue value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _inputs.Length);
        ArgumentNullException.ThrowIfNull(value);
        if (ReferenceEquals(_inputs[index], value))
        {
            return;
        }

        var native = value.Native;
        Binding.BindInput(_inputNameList[index], native);
        _inputs[index] = value;
    }

    /// <summary>Binds the value for input <paramref name="name"/>.</summary>
    public void BindInput(string name, OrtValue value) => BindInput(IndexOf(_inputNameList, name, "input"), value);

    /// <summary>Binds the preallocated value ORT writes output <paramref name="index"/> into.</summary>
    public void BindOutput(int index, OrtValue value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _outputs.Length);
        ArgumentNullException.ThrowIfNull(value);
        if (ReferenceEquals(_outputs[index], value))
        {
            return;
        }

        var native = value.Native;
        Binding.BindOutput(_outputNameList[index], native);
        _outputs[index] = value;
    }

    /// <summary>Binds the preallocated value ORT writes output <paramref name="name"/> into.</summary>
    public void BindOutput(string name, OrtValue value) => BindOutput(IndexOf(_outputNameList, name, "output"), value);

    /// <summary>Runs with the bound values. Allocates no managed memory.</summary>
    /// <exception cref="InvalidOperationException">A value is not bound.</exception>
    /// <exception cref="ObjectDisposedException">The binding, the session or a bound value is disposed.</exception>
    /// <exception cref="OrtException">ORT rejected a value or a kernel failed.</exception>
    public void Run(OrtRunOptions? runOptions = null)
    {
        var binding = Binding;
        var session = _session.Native;
        for (var i = 0; i < _inputs.Length; i++)
        {
            (_inputs[i] ?? throw new InvalidOperationException("Input '" + _inputNameList[i] + "' is not bound.")).ThrowIfDisposed();
        }

        for (var i = 0; i < _outputs.Length; i++)
        {
            (_outputs[i] ?? throw new InvalidOperationException("Output '" + _outputNameList[i] + "' is not bound.")).ThrowIfDisposed();
        }

        try
        {
            session.RunWithBinding(runOptions?.Native ?? _session.DefaultRunOptions, binding);
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OrtErrors.From(e, "Run");
        }
    }

    /// <summary>Frees the native binding (the bound values stay with their owners).</summary>
    public void Dispose()
    {
        _binding?.Dispose();
        _binding = null;
    }

    private Ort.OrtIoBinding Binding
    {
        get
        {
            ObjectDisposedException.ThrowIf(_binding is null, this);
            return _binding;
        }
    }

    private static int IndexOf(string[] names, string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        var i = Array.IndexOf(names, name);
        return i >= 0 ? i : throw new ArgumentException("The binding has no " + kind + " '" + name + "'; it has: " + string.Join(", ", names) + ".", nameof(name));
    }
}
