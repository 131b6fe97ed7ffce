using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Phosphene.Tests.Data;

/// <summary>Serves fixed files over HTTP on 127.0.0.1 (a free port) for download tests; 404 for anything else.</summary>
public sealed class LoopbackFileServer : IDisposable
{
    readonly HttpListener listener = new();
    readonly Dictionary<string, byte[]> files;
    public ConcurrentQueue<string> Requests { get; } = new();
    public string BaseUrl { get; }

    public LoopbackFileServer(Dictionary<string, byte[]> files)
    {
        this.files = files;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/data/";
        listener.Prefixes.Add(BaseUrl);
        listener.Start();
        _ = Task.Run(Serve);
    }

    async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            string name = context.Request.Url!.AbsolutePath["/data/".Length..];
            Requests.Enqueue(name);
            if (files.TryGetValue(name, out var body))
            {
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }
            else context.Response.StatusCode = 404;
            context.Response.Close();
        }
    }

    public void Dispose() => listener.Close();
}
