namespace Phosphene;

/// <summary>
/// An error caused by the user's input or environment (a missing file, a bad option, a shape mismatch), whose message
/// names the problem and the fix. Hosts such as the notebook kernel show its message alone, without a stack trace.
/// </summary>
public class PhospheneException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong and how to fix it.</summary>
    public PhospheneException(string message) : base(message) { }

    /// <summary>Creates the exception around the lower-level error that caused it.</summary>
    public PhospheneException(string message, Exception inner) : base(message, inner) { }
}
