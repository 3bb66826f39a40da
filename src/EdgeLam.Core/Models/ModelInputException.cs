namespace EdgeLam.Core.Models;

/// <summary>Inputs that do not fit a model: missing, unknown, wrong element type or wrong shape. The message lists every problem.</summary>
public sealed class ModelInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ModelInputException()
    {
        Problems = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelInputException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ModelInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception from a list of problems.</summary>
    public ModelInputException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems ?? []))
    {
        Problems = problems ?? [];
    }

    /// <summary>Each problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
