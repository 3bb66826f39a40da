namespace EdgeLam.Onnx.Model;

/// <summary>Base of every error raised while reading, analysing or rewriting an ONNX model.</summary>
public class OnnxModelException : Exception
{
    public OnnxModelException()
    {
    }

    public OnnxModelException(string message)
        : base(message)
    {
    }

    public OnnxModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The model file or its external data is missing, corrupt, or beyond what the format allows.</summary>
public sealed class ModelFormatException : OnnxModelException
{
    public ModelFormatException()
    {
    }

    public ModelFormatException(string message)
        : base(message)
    {
    }

    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The model cannot be cut as asked: no recognisable blocks, an unknown tensor, a cut that does not separate.</summary>
public sealed class ModelSurgeryException : OnnxModelException
{
    public ModelSurgeryException()
    {
    }

    public ModelSurgeryException(string message)
        : base(message)
    {
    }

    public ModelSurgeryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
