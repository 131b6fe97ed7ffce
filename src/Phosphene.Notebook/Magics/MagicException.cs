namespace Phosphene.Notebook.Magics;

/// <summary>
/// A magic line that cannot run as written: an unknown magic or option, a value of the wrong type, a missing
/// argument. The message names the magic and the option, says how to fix it and suggests close names. The session's
/// state is untouched.
/// </summary>
public sealed class MagicException : PhospheneException
{
    /// <summary>Creates the exception with a message that says what is wrong and how to fix it.</summary>
    public MagicException(string message) : base(message) { }

    /// <summary>Creates the exception around the error that caused it.</summary>
    public MagicException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// C# code that a magic ran in the session (through <see cref="IMagicContext"/>) failed to compile or threw. The host
/// reports it as it reports a failing cell: <see cref="ErrorName"/>, <see cref="Exception.Message"/> and
/// <see cref="Traceback"/> are those of the user's code.
/// </summary>
public sealed class SessionCodeException : Exception
{
    /// <summary>Creates the exception from the host's report of the failure.</summary>
    public SessionCodeException(string errorName, string message, IReadOnlyList<string> traceback) : base(message)
    {
        ErrorName = errorName;
        Traceback = traceback;
    }

    /// <summary>The exception type name, or <c>CompilationError</c>.</summary>
    public string ErrorName { get; }

    /// <summary>The lines the host shows: the message, then the user's frames.</summary>
    public IReadOnlyList<string> Traceback { get; }
}
