namespace EdgeLam.Wire.Frames;

/// <summary>Thrown by the throwing convenience API (<see cref="FrameReader.Read"/>) when a frame is rejected.</summary>
public sealed class FrameDecodeException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public FrameDecodeException(FrameError error)
        : base($"Activation frame rejected: {error}.")
    {
        Error = error;
    }

    /// <summary>Creates an exception without an error code (<see cref="FrameError.None"/>).</summary>
    public FrameDecodeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public FrameDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public FrameDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the frame was rejected.</summary>
    public FrameError Error { get; }
}
