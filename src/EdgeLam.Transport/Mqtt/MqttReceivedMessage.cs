using System.Buffers;
using System.Diagnostics;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// A received message whose payload lives in a buffer rented from <see cref="ArrayPool{T}.Shared"/> (copied once out
/// of libmosquitto's memory). The consumer owns it and must call <see cref="Dispose"/> exactly once when done.
/// </summary>
public readonly struct MqttReceivedMessage : IDisposable
{
    private readonly byte[]? buffer;
    private readonly int length;

    public MqttReceivedMessage(string topic, byte[]? rentedBuffer, int length, MqttQualityOfService qualityOfService, bool retain, MqttMessageProperties properties)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > (rentedBuffer?.Length ?? 0))
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        Topic = topic;
        buffer = rentedBuffer;
        this.length = length;
        QualityOfService = qualityOfService;
        Retain = retain;
        Properties = properties;
        ReceivedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Copies <paramref name="payload"/> into a pooled buffer.</summary>
    public static MqttReceivedMessage Create(string topic, ReadOnlySpan<byte> payload, MqttQualityOfService qualityOfService, bool retain, MqttMessageProperties properties)
    {
        byte[]? rented = null;
        if (!payload.IsEmpty)
        {
            rented = ArrayPool<byte>.Shared.Rent(payload.Length);
            payload.CopyTo(rented);
        }

        return new MqttReceivedMessage(topic, rented, payload.Length, qualityOfService, retain, properties);
    }

    public string Topic { get; }

    public ReadOnlyMemory<byte> Payload => buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);

    public MqttQualityOfService QualityOfService { get; }

    /// <summary>When the message reached this process (<see cref="Stopwatch.GetTimestamp"/>, taken as it was copied out of the client library).</summary>
    public long ReceivedAt { get; }

    /// <summary>True for a retained message delivered on subscribe.</summary>
    public bool Retain { get; }

    public MqttMessageProperties Properties { get; }

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose()
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
