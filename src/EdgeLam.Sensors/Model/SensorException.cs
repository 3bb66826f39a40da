namespace EdgeLam.Sensors.Model;

/// <summary>Why a sensor read failed.</summary>
public enum SensorFault
{
    /// <summary>The device did not acknowledge (I2C NACK, EREMOTEIO/ENXIO).</summary>
    NoAcknowledge,

    /// <summary>Fewer bytes than requested came back.</summary>
    ShortRead,

    /// <summary>The device node, sysfs directory or chip vanished.</summary>
    DeviceGone,

    /// <summary>The device answered with an identity or data that is not what the driver expects.</summary>
    BadData,

    /// <summary>The device did not finish a conversion in time.</summary>
    Timeout,

    /// <summary>Any other I/O error.</summary>
    Io,
}

/// <summary>A typed sensor failure. The scheduler catches it, marks the sensor degraded and retries with backoff.</summary>
public class SensorException : Exception
{
    public SensorException(SensorFault fault, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Fault = fault;
    }

    public SensorException()
        : this(SensorFault.Io, "sensor failure")
    {
    }

    public SensorException(string message)
        : this(SensorFault.Io, message)
    {
    }

    public SensorException(string message, Exception innerException)
        : this(SensorFault.Io, message, innerException)
    {
    }

    public SensorFault Fault { get; }
}
