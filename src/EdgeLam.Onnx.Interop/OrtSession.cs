using System.Runtime.InteropServices;
using System.Text;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop.Native;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// A loaded model (<c>OrtSession</c>) with its input/output metadata. Runs either return ORT-allocated outputs or write
/// into caller-preallocated outputs; <see cref="CreateBinding"/> prepares a run that allocates nothing per call.
/// A session may be run from several threads at once (ORT guarantees this for <c>Run</c>).
/// </summary>
public sealed unsafe class OrtSession : OrtHandle
{
    private readonly Dictionary<string, int> _inputIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _outputIndex = new(StringComparer.Ordinal);

    private OrtSession(string modelPath, IReadOnlyList<string> providers, IReadOnlyList<string> warnings)
    {
        ModelPath = modelPath;
        ExecutionProviders = providers;
        Warnings = warnings;
        Inputs = [];
        Outputs = [];
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }

    /// <summary>The model's inputs in declaration order; dynamic dimensions are -1 with their symbolic names.</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; private set; }

    /// <summary>The model's outputs in declaration order.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; private set; }

    /// <summary>The providers registered for this session in order; always ends with CPU.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; }

    /// <summary>Warnings raised while creating the session (requested providers that were not available).</summary>
    public IReadOnlyList<string> Warnings { get; }

    internal static OrtSession Open(OrtEnv env, string modelPath, OrtSessionOptions options, IReadOnlyList<string> providers, IReadOnlyList<string> warnings)
    {
        var session = new OrtSession(modelPath, providers, warnings);
        var path = Encoding.UTF8.GetBytes(modelPath + "\0");
        using (var e = env.Lease())
        using (var o = options.Lease())
        {
            nint raw;
            fixed (byte* p = path)
            {
                OrtStatus.Check(OrtApi.CreateSession(e.Handle, p, o.Handle, &raw), "Loading model " + modelPath);
            }

            session.SetHandle(raw);
        }

        try
        {
            session.ReadMetadata();
        }
        catch
        {
            session.Dispose();
            throw;
        }

        return session;
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
        var raw = new nint[outputNames.Count];
        RunCore(inputNames, inputs, outputNames, null, raw, runOptions);
        var result = new OrtValue[raw.Length];
        for (var i = 0; i < raw.Length; i++)
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

                for (var j = i + 1; j < raw.Length; j++)
                {
                    OrtApi.ReleaseValue(raw[j]);
                }

                throw;
            }
        }

        return result;
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
        var raw = new nint[outputNames.Count];
        RunCore(inputNames, inputs, outputNames, outputs, raw, runOptions);
    }

    /// <summary>Prepares a run over fixed input and output names that allocates nothing per call.</summary>
    public OrtRunBinding CreateBinding(IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    {
        ThrowIfDisposed();
        CheckNames(inputNames, _inputIndex, Inputs, "input", nameof(inputNames));
        CheckNames(outputNames, _outputIndex, Outputs, "output", nameof(outputNames));
        return new OrtRunBinding(this, inputNames, outputNames);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSession(handle);
        return true;
    }

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
        CheckNames(inputNames, _inputIndex, Inputs, "input", nameof(inputNames));
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

    private void RunCore(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames, IReadOnlyList<OrtValue>? outputs, nint[] rawOutputs, OrtRunOptions? runOptions)
    {
        using var inNames = new Utf8Strings(inputNames);
        using var outNames = new Utf8Strings(outputNames);
        var rawInputs = new nint[inputs.Count];
        var referenced = new List<OrtHandle>(inputs.Count + rawOutputs.Length + 2);
        try
        {
            var sessionHandle = AddRef(this, referenced);
            var runOptionsHandle = runOptions is null ? 0 : AddRef(runOptions, referenced);
            for (var i = 0; i < inputs.Count; i++)
            {
                rawInputs[i] = AddRef(inputs[i], referenced);
            }

            if (outputs is not null)
            {
                for (var i = 0; i < outputs.Count; i++)
                {
                    rawOutputs[i] = AddRef(outputs[i], referenced);
                }
            }

            fixed (nint* ins = rawInputs)
            fixed (nint* outs = rawOutputs)
            {
                OrtStatus.Check(OrtApi.Run(sessionHandle, runOptionsHandle, inNames.Pointers, ins, (nuint)rawInputs.Length, outNames.Pointers, (nuint)rawOutputs.Length, outs), "Run");
            }
        }
        finally
        {
            foreach (var h in referenced)
            {
                h.DangerousRelease();
            }
        }
    }

    private static nint AddRef(OrtHandle h, List<OrtHandle> referenced)
    {
        h.ThrowIfDisposed();
        var added = false;
        h.DangerousAddRef(ref added);
        if (added)
        {
            referenced.Add(h);
        }

        return h.DangerousGetHandle();
    }

    private void ReadMetadata()
    {
        nint allocator;
        OrtStatus.Check(OrtApi.GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
        nuint inputCount, outputCount;
        OrtStatus.Check(OrtApi.SessionGetInputCount(handle, &inputCount), "SessionGetInputCount");
        OrtStatus.Check(OrtApi.SessionGetOutputCount(handle, &outputCount), "SessionGetOutputCount");
        Inputs = ReadSpecs(allocator, (int)inputCount, isInput: true, _inputIndex);
        Outputs = ReadSpecs(allocator, (int)outputCount, isInput: false, _outputIndex);
    }

    private TensorSpec[] ReadSpecs(nint allocator, int count, bool isInput, Dictionary<string, int> index)
    {
        var specs = new TensorSpec[count];
        for (var i = 0; i < count; i++)
        {
            byte* namePtr;
            OrtStatus.Check(
                isInput ? OrtApi.SessionGetInputName(handle, (nuint)i, allocator, &namePtr) : OrtApi.SessionGetOutputName(handle, (nuint)i, allocator, &namePtr),
                "SessionGetName");
            string name;
            try
            {
                name = Marshal.PtrToStringUTF8((nint)namePtr) ?? string.Empty;
            }
            finally
            {
                OrtStatus.Check(OrtApi.AllocatorFree(allocator, namePtr), "AllocatorFree");
            }

            nint typeInfo;
            OrtStatus.Check(
                isInput ? OrtApi.SessionGetInputTypeInfo(handle, (nuint)i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(handle, (nuint)i, &typeInfo),
                "SessionGetTypeInfo");
            try
            {
                int onnxType;
                OrtStatus.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType), "GetOnnxTypeFromTypeInfo");
                if (onnxType == 1)
                {
                    nint tensorInfo;
                    OrtStatus.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo");
                    var (type, shape, symbols) = OrtTensorInfo.Read(tensorInfo, readSymbols: true);
                    specs[i] = new TensorSpec(name, type, shape, symbols);
                }
                else
                {
                    specs[i] = new TensorSpec(name, TensorElementType.Undefined, []);
                }
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }

            index[name] = i;
        }

        return specs;
    }
}
