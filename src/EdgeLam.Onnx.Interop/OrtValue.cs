using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using Ort = Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// A tensor as ONNX Runtime sees it (<c>OrtValue</c>). Created over caller memory without a copy
/// (<see cref="OrtValueOwnership.CallerMemory"/>, <see cref="OrtValueOwnership.PinnedManaged"/>) or allocated by ORT
/// (<see cref="OrtValueOwnership.OrtAllocated"/>). Element type and shape are read once, when the value is created.
/// </summary>
public sealed unsafe class OrtValue : IDisposable
{
    private static readonly void* EmptyData = NativeMemory.AlignedAlloc(64, 64);

    private Ort.OrtValue? _value;

    private MemoryHandle _pin;
    private long[] _shape = [];
    private void* _data;

    private OrtValue(OrtValueOwnership ownership)
    {
        Ownership = ownership;
    }

    /// <summary>Who owns the data.</summary>
    public OrtValueOwnership Ownership { get; }

    /// <summary>The element type; <see cref="TensorElementType.Undefined"/> when the value is not a tensor.</summary>
    public TensorElementType ElementType { get; private set; }

    /// <summary>The dimensions (C order).</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The number of elements.</summary>
    public long ElementCount { get; private set; }

    /// <summary>The size of the data in bytes.</summary>
    public long ByteLength => ElementCount * ElementType.SizeInBytes();

    /// <summary>
    /// Wraps caller-owned native memory as a tensor. No copy; see <see cref="OrtValueOwnership.CallerMemory"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Null data for a non-empty tensor, a negative dimension, an unsupported type, or <paramref name="byteLength"/> smaller than the shape needs.</exception>
    public static OrtValue CreateTensor(TensorElementType elementType, nint data, long byteLength, ReadOnlySpan<long> shape)
    {
        var value = new OrtValue(OrtValueOwnership.CallerMemory);
        value.Initialize(elementType, (void*)data, byteLength, shape);
        return value;
    }

    /// <summary>Wraps managed memory as a tensor: pins it for the value's lifetime, no copy.</summary>
    /// <exception cref="ArgumentException">The memory is smaller than the shape needs, or <typeparamref name="T"/> is not a tensor element type.</exception>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        TensorElementType type;
        try
        {
            type = NpyArray.ElementTypeOf<T>();
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException(e.Message, nameof(data), e);
        }

        return Pinned(data.Pin(), type, (long)data.Length * sizeof(T), shape);
    }

    /// <summary>Wraps an <see cref="NpyArray"/>'s bytes as a tensor (pinned, no copy).</summary>
    public static OrtValue CreateTensor(NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        return Pinned(array.Data.AsMemory().Pin(), array.ElementType, array.Data.LongLength, array.Shape);
    }

    /// <summary>A tensor over pinned managed memory; the value owns <paramref name="pin"/> (released on failure too).</summary>
    private static OrtValue Pinned(MemoryHandle pin, TensorElementType type, long byteLength, ReadOnlySpan<long> shape)
    {
        var value = new OrtValue(OrtValueOwnership.PinnedManaged);
        try
        {
            value.Initialize(type, pin.Pointer, byteLength, shape);
            value._pin = pin;
            return value;
        }
        catch
        {
            pin.Dispose();
            value.Dispose();
            throw;
        }
    }

    /// <summary>Allocates a tensor with ORT's default CPU allocator (contents undefined); e.g. a preallocated output.</summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime is not loaded.</exception>
    public static OrtValue Allocate(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        CheckTensorArguments(elementType, shape);
        OnnxRuntimeLibrary.ThrowIfNotLoaded();
        var value = new OrtValue(OrtValueOwnership.OrtAllocated);
        try
        {
            value._value = Ort.OrtValue.CreateAllocatedTensorValue(Ort.OrtAllocator.DefaultInstance, ElementTypes.ToOrt(elementType), shape.ToArray());
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OrtErrors.From(e, "Allocating a " + elementType.OnnxName() + " tensor " + TensorShape.Format(shape));
        }

        value.ReadTensorInfo();
        return value;
    }

    /// <summary>Takes ownership of a value ORT returned from a run.</summary>
    internal static OrtValue FromRunOutput(Ort.OrtValue raw)
    {
        var value = new OrtValue(OrtValueOwnership.OrtAllocated) { _value = raw };
        value.ReadTensorInfo();
        return value;
    }

    /// <summary>The official API's value, for a run or a binding.</summary>
    /// <exception cref="ObjectDisposedException">The value is disposed.</exception>
    internal Ort.OrtValue Native
    {
        get
        {
            ThrowIfDisposed();
            return _value!;
        }
    }

    /// <summary>Frees the ORT value and releases the pin (caller memory stays with the caller).</summary>
    public void Dispose()
    {
        if (_value is { } value)
        {
            _value = null;
            value.Dispose();
            _pin.Dispose();
            _data = null;
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_value is null, this);

    /// <summary>The tensor's bytes. Valid until the value is disposed.</summary>
    /// <exception cref="InvalidOperationException">Not a tensor, or larger than a span can address.</exception>
    public Span<byte> GetBytes()
    {
        ThrowIfDisposed();
        if (ElementType == TensorElementType.Undefined || ElementType == TensorElementType.String)
        {
            throw new InvalidOperationException("The value is not a numeric tensor.");
        }

        if (ByteLength > int.MaxValue)
        {
            throw new InvalidOperationException("The tensor holds " + ByteLength + " bytes; a span is limited to 2 GiB.");
        }

        return new Span<byte>(_data, (int)ByteLength);
    }

    /// <summary>The tensor's elements as <typeparamref name="T"/> (must match <see cref="ElementType"/>). Valid until the value is disposed.</summary>
    public Span<T> GetData<T>()
        where T : unmanaged
    {
        var type = NpyArray.ElementTypeOf<T>();
        if (type != ElementType)
        {
            throw new InvalidOperationException("The tensor holds " + ElementType.OnnxName() + ", not " + type.OnnxName() + ".");
        }

        return MemoryMarshal.Cast<byte, T>(GetBytes());
    }

    /// <summary>Copies the tensor into a new <see cref="NpyArray"/>.</summary>
    public NpyArray ToNpyArray() => new(ElementType, _shape, GetBytes().ToArray());

    private static void CheckTensorArguments(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        if (elementType.SizeInBytes() == 0 || elementType is TensorElementType.String)
        {
            throw new ArgumentException("Element type " + elementType.OnnxName() + " is not supported for tensors.", nameof(elementType));
        }

        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException("A tensor shape cannot have a negative dimension: " + TensorShape.Format(shape) + ".", nameof(shape));
            }
        }
    }

    private void Initialize(TensorElementType elementType, void* data, long byteLength, ReadOnlySpan<long> shape)
    {
        CheckTensorArguments(elementType, shape);
        var needed = checked(TensorElementTypeExtensions.ElementCount(shape) * elementType.SizeInBytes());
        if (byteLength < needed)
        {
            throw new ArgumentException(
                "Shape " + TensorShape.Format(shape) + " of " + elementType.OnnxName() + " needs " + needed + " bytes; the buffer has " + byteLength + ".", nameof(byteLength));
        }

        if (data == null)
        {
            if (needed != 0)
            {
                throw new ArgumentException("Tensor data is null.", nameof(data));
            }

            data = EmptyData;
        }

        OnnxRuntimeLibrary.ThrowIfNotLoaded();
        try
        {
            _value = Ort.OrtValue.CreateTensorValueWithData(Ort.OrtMemoryInfo.DefaultInstance, ElementTypes.ToOrt(elementType), shape.ToArray(), (nint)data, needed);
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OrtErrors.From(e, "Creating a " + elementType.OnnxName() + " tensor " + TensorShape.Format(shape));
        }

        ElementType = elementType;
        _shape = shape.ToArray();
        ElementCount = needed / elementType.SizeInBytes();
        _data = data;
    }

    private void ReadTensorInfo()
    {
        var value = _value!;
        if (value.OnnxType != Ort.OnnxValueType.ONNX_TYPE_TENSOR)
        {
            // Sequences, maps, optionals: not tensors; no element type, no data.
            return;
        }

        var info = value.GetTensorTypeAndShape();
        ElementType = ElementTypes.FromOrt(info.ElementDataType);
        _shape = info.Shape;
        ElementCount = TensorElementTypeExtensions.ElementCount(_shape);
        if (ElementType != TensorElementType.String)
        {
            _data = Unsafe.AsPointer(ref MemoryMarshal.GetReference(value.GetTensorMutableRawData()));
        }
    }
}
