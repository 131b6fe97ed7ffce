using System.Globalization;

namespace Phosphene;

/// <summary>The one phrasing of an invalid setting, shared by every algorithm's <c>Validate()</c>.</summary>
public static class Invalid
{
    /// <summary>
    /// <c>Type.Setting = value is invalid: it must be requirement</c>, e.g.
    /// <c>Rise.Masks = 0 is invalid: it must be at least 1</c>.
    /// </summary>
    public static PhospheneException Setting(string type, string setting, object? value, string requirement) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{type}.{setting} = {value ?? "null"} is invalid: it must be {requirement}"));
}
