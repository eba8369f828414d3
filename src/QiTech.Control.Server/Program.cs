using QiTech.Control.Server;
using QiTech.Control.Server.Security;
using QiTech.Os.Errors;

// `qitech-control-server hash-password` reads a password on stdin and prints the hash for
// ControlServer:Remote:PasswordHash; anything else runs the server.
if (args is ["hash-password"])
{
    var password = Console.In.ReadLine();
    if (string.IsNullOrEmpty(password))
    {
        Console.Error.WriteLine("qitech-control-server: hash-password: no password on standard input");
        return 2;
    }
    Console.WriteLine(PasswordHash.Create(password));
    return 0;
}

try
{
    await ServerHost.Build(ServerHost.CreateBuilder(args)).RunAsync();
    return 0;
}
catch (QiTechOsException e)
{
    Console.Error.WriteLine($"qitech-control-server: {e.Message}");
    return e.ExitCode;
}
