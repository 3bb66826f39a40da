namespace EdgeLam.Inference;

/// <summary>A request the engine cannot serve (bad input, context full, unknown conversation); the runner stays usable.</summary>
public class InferenceException : Exception
{
    public InferenceException()
    {
    }

    public InferenceException(string message)
        : base(message)
    {
    }

    public InferenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The conversation would grow past the context limit.</summary>
public sealed class ContextOverflowException : InferenceException
{
    public ContextOverflowException()
    {
    }

    public ContextOverflowException(string message)
        : base(message)
    {
    }

    public ContextOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ContextOverflowException(Guid conversation, int length, int adding, int limit)
        : base("Conversation " + conversation + " holds " + length + " tokens; adding " + adding + " would exceed the context limit of " + limit + " tokens.")
    {
        Length = length;
        Adding = adding;
        Limit = limit;
    }

    /// <summary>Tokens already in the conversation.</summary>
    public int Length { get; }

    /// <summary>Tokens the rejected step wanted to add.</summary>
    public int Adding { get; }

    /// <summary>The context limit.</summary>
    public int Limit { get; }
}

/// <summary>The conversation is not (or no longer) held: never started, dropped, or evicted under the memory budget.</summary>
public sealed class ConversationNotFoundException : InferenceException
{
    public ConversationNotFoundException()
    {
    }

    public ConversationNotFoundException(string message)
        : base(message)
    {
    }

    public ConversationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConversationNotFoundException(Guid conversation)
        : base("Conversation " + conversation + " is not held (never started, dropped, or evicted under the KV memory budget); start it again with a prefill.")
    {
        Conversation = conversation;
    }

    /// <summary>The conversation asked for.</summary>
    public Guid Conversation { get; }
}

/// <summary>Embeddings whose rows do not have the model's hidden size (or that are not whole rows).</summary>
public sealed class EmbeddingShapeException : InferenceException
{
    public EmbeddingShapeException()
    {
    }

    public EmbeddingShapeException(string message)
        : base(message)
    {
    }

    public EmbeddingShapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EmbeddingShapeException(string message, int expectedHidden, int actualHidden)
        : base(message)
    {
        ExpectedHidden = expectedHidden;
        ActualHidden = actualHidden;
    }

    /// <summary>The model's hidden size (0 when the model leaves it symbolic).</summary>
    public int ExpectedHidden { get; }

    /// <summary>Values per row given.</summary>
    public int ActualHidden { get; }
}
