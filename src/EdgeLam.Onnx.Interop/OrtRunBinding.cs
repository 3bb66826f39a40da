using System.Runtime.InteropServices;
using EdgeLam.Onnx.Interop.Native;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// A prepared run: input and output names are encoded once into native memory, values are bound once, and
/// <see cref="Run"/> then calls <c>OrtApi::Run</c> without allocating managed memory. Outputs must be preallocated
/// (<see cref="OrtValue.Allocate"/> or caller memory) with the exact output shapes; ORT writes into them.
/// The binding does not own the bound values. Not thread-safe: one binding per thread.
/// </summary>
public sealed unsafe class OrtRunBinding : IDisposable
{
    private readonly OrtSession _session;
    private readonly Utf8Strings _inputNames;
    private readonly Utf8Strings _outputNames;
    private readonly OrtValue?[] _inputs;
    private readonly OrtValue?[] _outputs;
    private readonly string[] _inputNameList;
    private readonly string[] _outputNameList;
    private nint* _raw;

    internal OrtRunBinding(OrtSession session, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    {
        _session = session;
        _inputNameList = [.. inputNames];
        _outputNameList = [.. outputNames];
        _inputs = new OrtValue?[inputNames.Count];
        _outputs = new OrtValue?[outputNames.Count];
        _inputNames = new Utf8Strings(inputNames);
        _outputNames = new Utf8Strings(outputNames);
        _raw = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(1, _inputs.Length + _outputs.Length), (nuint)sizeof(nint));
    }

    /// <summary>The input names, in binding order.</summary>
    public IReadOnlyList<string> InputNames => _inputNameList;

    /// <summary>The output names, in binding order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNameList;

    /// <summary>Binds the value for input <paramref name="index"/> (position in <see cref="InputNames"/>).</summary>
    public void BindInput(int index, OrtValue value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _inputs.Length);
        ArgumentNullException.ThrowIfNull(value);
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
        ObjectDisposedException.ThrowIf(_raw == null, this);
        var inCount = _inputs.Length;
        var total = inCount + _outputs.Length;
        var referenced = 0;
        var sessionAdded = false;
        var optionsAdded = false;
        try
        {
            _session.ThrowIfDisposed();
            _session.DangerousAddRef(ref sessionAdded);
            if (runOptions is not null)
            {
                runOptions.ThrowIfDisposed();
                runOptions.DangerousAddRef(ref optionsAdded);
            }

            for (; referenced < total; referenced++)
            {
                var value = referenced < inCount ? _inputs[referenced] : _outputs[referenced - inCount];
                if (value is null)
                {
                    throw new InvalidOperationException(
                        (referenced < inCount ? "Input '" + _inputNameList[referenced] : "Output '" + _outputNameList[referenced - inCount]) + "' is not bound.");
                }

                value.ThrowIfDisposed();
                var added = false;
                value.DangerousAddRef(ref added);
                _raw[referenced] = value.DangerousGetHandle();
            }

            OrtStatus.Check(
                OrtApi.Run(
                    _session.DangerousGetHandle(),
                    optionsAdded ? runOptions!.DangerousGetHandle() : 0,
                    _inputNames.Pointers,
                    _raw,
                    (nuint)inCount,
                    _outputNames.Pointers,
                    (nuint)_outputs.Length,
                    _raw + inCount),
                "Run");
        }
        finally
        {
            for (var i = 0; i < referenced; i++)
            {
                (i < inCount ? _inputs[i] : _outputs[i - inCount])!.DangerousRelease();
            }

            if (optionsAdded)
            {
                runOptions!.DangerousRelease();
            }

            if (sessionAdded)
            {
                _session.DangerousRelease();
            }
        }
    }

    /// <summary>Frees the native name and pointer arrays (the bound values stay with their owners).</summary>
    public void Dispose()
    {
        if (_raw != null)
        {
            NativeMemory.Free(_raw);
            _raw = null;
            _inputNames.Dispose();
            _outputNames.Dispose();
        }
    }

    private static int IndexOf(string[] names, string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        var i = Array.IndexOf(names, name);
        return i >= 0 ? i : throw new ArgumentException("The binding has no " + kind + " '" + name + "'; it has: " + string.Join(", ", names) + ".", nameof(name));
    }
}
