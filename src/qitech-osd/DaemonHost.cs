using System.Net.Sockets;
using QiTech.Os.Access;
using QiTech.Os.Contract;
using QiTech.Os.Daemon.Api;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;

namespace QiTech.Os.Daemon;

/// <summary>Builds and runs the HTTP API on the daemon's Unix socket.</summary>
public static class DaemonHost
{
    public static async Task RunAsync(DaemonOptions options, CancellationToken cancel)
    {
        var layout = options.Layout;
        PrepareSocket(layout.DaemonSocket);
        await using var host = new SystemHost(options);
        var progress = new Progress<string>(line => Console.Error.WriteLine("qitech-osd: " + line));
        var boot = await host.BootAsync(progress, cancel);
        foreach (var note in boot.Notes)
        {
            Console.Error.WriteLine("qitech-osd: " + note);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Not the working directory ("/" under systemd), and no reload: reloading watches the
            // content root recursively, and on "/" that took every inotify watch root may have
            // (14,860 of 14,942 in the VM), so dnsmasq and systemd itself could add none.
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        DaemonLogging.Configure(builder.Logging);
        // A failed start reaches the command line's handler, which reports it in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(layout.DaemonSocket));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(3));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            DaemonJson.Configure(json.SerializerOptions, layout.StoreDir);
            json.SerializerOptions.TypeInfoResolverChain.Add(DaemonProblemJsonContext.Default);
        });
        // A body the contract refuses reaches ErrorMapping, which names the field, instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton(services => new JobRunner(TimeProvider.System, services.GetRequiredService<ILogger<JobRunner>>()));
        builder.Services.AddSingleton(AccessPolicy.ForThisProcess(options.Group));
        await using var app = builder.Build();
        var runner = app.Services.GetRequiredService<JobRunner>();
        app.Use(ErrorMapping.Middleware);
        app.Use(AccessControl.Middleware);
        app.MapStatusEndpoints();
        app.MapGenerationEndpoints();
        app.MapJobEndpoints();
        app.MapLogEndpoints();
        app.MapServiceEndpoints();
        app.MapUpdateEndpoints();
        app.MapBundleEndpoints();
        if (boot.Pending is { } pending)
        {
            // Listed before the API answers, so no client sees the system idle in between.
            runner.TryStart(JobKind.BootCheck, context => BootCheck.RunAsync(host, pending, context), out _);
        }
        await app.StartAsync(cancel);
        // Everyone may connect and read; SO_PEERCRED decides who may change anything.
        File.SetUnixFileMode(layout.DaemonSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        Console.Error.WriteLine($"qitech-osd: listening on {layout.DaemonSocket}" + (boot.System is { } booted ? $", booted {layout.StoreDir.Render(booted)}" : ""));
        await app.WaitForShutdownAsync(cancel);
        Console.Error.WriteLine("qitech-osd: stopping services");
    }

    /// <summary>Removes a stale socket file, but refuses when a daemon still answers on it.</summary>
    private static void PrepareSocket(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (Directory.Exists(path))
        {
            throw new QiTechOsException($"{path}: a directory is where the daemon's socket belongs");
        }
        if (!File.Exists(path))
        {
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            throw new QiTechOsException($"{path}: another qitech-osd is already running");
        }
        catch (SocketException)
        {
            File.Delete(path);
        }
    }
}
