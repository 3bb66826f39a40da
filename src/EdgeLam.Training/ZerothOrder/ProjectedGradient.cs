namespace EdgeLam.Training.ZerothOrder;

/// <summary>
/// The one scalar a zeroth-order step sends: the directional derivative along z estimated by a central difference,
/// g = (L₊ − L₋) / 2ε. It is computed where the losses are (the last stage) and broadcast; every node turns it into
/// its own update with the z it redraws from its seed.
/// </summary>
public static class ProjectedGradient
{
    /// <summary>g from the two losses, or false when a loss is not finite (the sample must be dropped, not applied).</summary>
    public static bool TryCompute(float lossPlus, float lossMinus, float epsilon, out float gradient)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        gradient = (lossPlus - lossMinus) / (2 * epsilon);
        if (float.IsFinite(lossPlus) && float.IsFinite(lossMinus) && float.IsFinite(gradient))
        {
            return true;
        }

        gradient = 0;
        return false;
    }
}
