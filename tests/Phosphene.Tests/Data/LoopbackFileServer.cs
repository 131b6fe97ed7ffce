using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Phosphene.Tests.Data;

/// <summary>Serves fixed files over HTTP on 127.0.0.1 (a free port) for download tests; 404 for anything else.</summary>
public sealed class LoopbackFileServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Dictionary<string, byte[]> _files;
    public ConcurrentQueue<string> Requests { get; } = new();
    public string BaseUrl { get; }

    public LoopbackFileServer(Dictionary<string, byte[]> files)
    {
        this._files = files;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/data/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _ = Task.Run(Serve);
    }

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            string name = context.Request.Url!.AbsolutePath["/data/".Length..];
            Requests.Enqueue(name);
            if (_files.TryGetValue(name, out var body))
            {
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }
            else context.Response.StatusCode = 404;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
