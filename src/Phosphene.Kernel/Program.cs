using Phosphene.Kernel;
using Phosphene.Kernel.Install;
using Phosphene.Kernel.Protocol;

const string usage = """
    usage: phosphene-kernel install [--user | --prefix PATH]   write the kernelspec 'phosphene-csharp'
           phosphene-kernel -f CONNECTION_FILE                 run the kernel (Jupyter starts it this way)
    """;

// Before any cell can run a convolution: oneDNN reads its instruction-set cap once (see NativeRuntime).
Phosphene.NativeRuntime.Configure();
var log = Console.Error;
if (args.Length >= 1 && args[0] == "install")
{
    bool user = false;
    string? prefix = null;
    for (var i = 1; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--user": user = true; break;
            case "--prefix" when i + 1 < args.Length: prefix = args[++i]; break;
            default:
                log.WriteLine($"unknown install option '{args[i]}'.\n{usage}");
                return 2;
        }
    }
    if (user && prefix is not null)
    {
        log.WriteLine("--user and --prefix exclude each other: choose one.");
        return 2;
    }
    Console.WriteLine($"Installed kernelspec '{KernelSpecInstaller.KernelName}' in {KernelSpecInstaller.Install(user, prefix)}");
    return 0;
}

string? connectionFile = args.Length switch
{
    2 when args[0] is "-f" or "--connection-file" => args[1],
    1 when !args[0].StartsWith('-') => args[0],
    _ => null,
};
if (connectionFile is null)
{
    log.WriteLine(usage);
    return 2;
}

using var kernel = new KernelService(ConnectionInfo.Load(connectionFile), log);
kernel.Run();
return 0;
