namespace Phosphene.Attribution;

/// <summary>How <see cref="AttributionMethod.Attribute"/> rescales each map; maps are unnormalised by default.</summary>
public enum MapNormalization
{
    /// <summary>The method's raw values (default): comparable across inputs and with the model's scores.</summary>
    None,

    /// <summary>Each map divided by its largest absolute value: signed maps in [−1, 1].</summary>
    MaxAbs,

    /// <summary>Each map shifted and scaled to [0, 1] (a constant map becomes 0).</summary>
    MinMax,
}
