using System.Runtime.CompilerServices;

namespace EdgeLam.Wire.Frames;

/// <summary>Where each tensor of a validated frame starts, stored inline so reading allocates nothing.</summary>
[InlineArray(FrameLimits.MaxTensors)]
internal struct TensorOffsets
{
    private int _element0;
}
