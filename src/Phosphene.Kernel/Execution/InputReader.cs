namespace Phosphene.Kernel.Execution;

/// <summary>
/// <c>Console.In</c> for cells: each line read becomes a Jupyter <c>input_request</c> answered by the front end.
/// </summary>
internal sealed class InputReader : TextReader
{
    private readonly Func<string, string> _request;
    private string _buffer = "";
    private int _position;

    /// <summary>Creates a reader that asks the front end for a line through <paramref name="request"/> (given the prompt).</summary>
    public InputReader(Func<string, string> request) => _request = request;

    public override string? ReadLine()
    {
        if (_position < _buffer.Length)
        {
            var rest = _buffer[_position..];
            _position = _buffer.Length;
            return rest.TrimEnd('\n');
        }
        return _request("");
    }

    public override int Read()
    {
        if (_position >= _buffer.Length)
        {
            _buffer = _request("") + "\n";
            _position = 0;
        }
        return _buffer[_position++];
    }

    public override int Peek() => _position < _buffer.Length ? _buffer[_position] : -1;
}
