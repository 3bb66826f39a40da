using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Interop;

/// <summary>An <see cref="IModelRunner"/> over one <see cref="OrtSession"/>: inputs are passed without a copy, outputs are copied out.</summary>
public sealed class OrtModelRunner : IModelRunner
{
    private readonly OrtSession _session;
    private readonly bool _ownsSession;

    /// <summary>Wraps a session; disposes it with the runner when <paramref name="ownsSession"/>.</summary>
    public OrtModelRunner(OrtSession session, bool ownsSession = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _ownsSession = ownsSession;
    }

    /// <summary>The session.</summary>
    public OrtSession Session => _session;

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Inputs => _session.Inputs;

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Outputs => _session.Outputs;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, NpyArray> Run(IReadOnlyDictionary<string, NpyArray> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var names = new List<string>(inputs.Count);
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var (name, array) in inputs)
            {
                names.Add(name);
                values.Add(OrtValue.CreateTensor(array));
            }

            var outputNames = _session.Outputs.Select(o => o.Name).ToArray();
            var outputs = _session.Run(names, values, outputNames);
            try
            {
                var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
                for (var i = 0; i < outputs.Length; i++)
                {
                    result[outputNames[i]] = outputs[i].ToNpyArray();
                }

                return result;
            }
            finally
            {
                foreach (var o in outputs)
                {
                    o.Dispose();
                }
            }
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}
