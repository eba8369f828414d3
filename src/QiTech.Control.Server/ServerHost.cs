using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using QiTech.Control.Server.Api;
using QiTech.Control.Server.Components;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Security;

namespace QiTech.Control.Server;

/// <summary>
/// Builds the web application: Blazor UI, <c>/api</c>, <c>/health</c>, login, and the
/// security around them. Tests build the same application with another daemon client.
/// </summary>
public static class ServerHost
{
    // A page waits this long for a daemon answer; event streams live until the page leaves.
    private static readonly TimeSpan DaemonCallTimeout = TimeSpan.FromSeconds(60);

    // The machine's store directory: the daemon's store paths are in it.
    private static readonly QiTech.Os.Nix.StoreDirectory StoreDir = new(QiTech.Os.Nix.StoreDirectory.Default);

    // The page a browser's 404 shows (Components/Pages/NotFound.razor).
    private const string NotFoundPath = "/not-found";

    private static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--daemon-socket"] = $"{ControlServerOptions.Section}:DaemonSocket",
        ["--root"] = $"{ControlServerOptions.Section}:Root",
        ["--port"] = $"{ControlServerOptions.Section}:Port",
    };

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            // Named after this assembly, not the process, so a test host finds the same static assets.
            ApplicationName = typeof(ServerHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        // The unit services.qitech generates names its port in QITECH_CONTROL_PORT.
        if (builder.Configuration[$"{ControlServerOptions.Section}:Port"] is null
            && int.TryParse(Environment.GetEnvironmentVariable("QITECH_CONTROL_PORT"), System.Globalization.CultureInfo.InvariantCulture, out var unitPort))
        {
            builder.Configuration[$"{ControlServerOptions.Section}:Port"] = unitPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var options = builder.Configuration.GetSection(ControlServerOptions.Section).Get<ControlServerOptions>() ?? new ControlServerOptions();
        if (ReadPasswordHashFile(options.Remote) is { } fromFile)
        {
            builder.Configuration[$"{ControlServerOptions.Section}:Remote:PasswordHash"] = fromFile;
            options.Remote.PasswordHash = fromFile;
        }
        CheckRemote(options.Remote);
        builder.Services.Configure<ControlServerOptions>(builder.Configuration.GetSection(ControlServerOptions.Section));

        // Static web assets (the Blazor script, our CSS) are served from the build output too.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            if (options.Remote.Enabled)
            {
                kestrel.ListenAnyIP(options.Remote.Port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = LoadCertificate(options.Remote),
                }));
            }
        });
        var socket = DaemonSocketPath.Resolve(options.DaemonSocket, options.Root);
        builder.Services.AddSingleton(_ => new QiTech.Os.Client.DaemonClient(socket, DaemonCallTimeout, StoreDir));
        builder.Services.AddSingleton(s => new DaemonGateway(
            s.GetRequiredService<QiTech.Os.Client.DaemonClient>(), string.IsNullOrEmpty(options.UpdateConfigFile) ? null : options.UpdateConfigFile));
        AddDaemonInterfaces<DaemonGateway>(builder.Services);
        builder.Services.AddSingleton(ServerVersion.FromEnvironment());

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // The daemon's records pass through as the daemon writes them.
            QiTech.Os.Contract.DaemonJson.Configure(json.SerializerOptions, StoreDir);
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(openApi => openApi.AddOperationTransformer<AntiforgeryHeaderInOpenApi>());
        // Keys that sign the antiforgery and login cookies outlive a restart (a switch restarts
        // the server): pages and scripts holding a token keep working.
        var stateDirectory = ServerStateDirectory.Resolve(options.StateDirectory, options.Root, Environment.GetEnvironmentVariable("STATE_DIRECTORY"));
        builder.Services.AddDataProtection()
            .SetApplicationName("qitech-control-server")
            .PersistKeysToFileSystem(ServerStateDirectory.KeysDirectory(stateDirectory));
        // The keys lie unencrypted in a folder only the server's user can open (there is no key
        // store to encrypt them with); the warning that says so at every start says nothing new.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntiforgery(anti =>
        {
            anti.HeaderName = AntiforgeryCheck.HeaderName;
            anti.Cookie.Name = "qitech-csrf";
            anti.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "qitech-session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = LoginEndpoints.LoginPath;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
                // API callers get status codes, browsers the login page.
                cookie.Events.OnRedirectToLogin = context => ApiStatusOrRedirect(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => ApiStatusOrRedirect(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddSingleton<IConnectionOwner, SockDiagConnectionOwner>();
        builder.Services.AddSingleton(s => new KioskPeer(s.GetRequiredService<IConnectionOwner>(), options.DaemonGroup, socket, s.GetRequiredService<ILogger<KioskPeer>>()));
        builder.Services.AddSingleton<IAuthorizationHandler, KioskOrSignedInHandler>();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new KioskOrSignedInRequirement()).Build());
        return builder;
    }

    /// <summary>Registers one object as every daemon interface the pages and the API use.</summary>
    public static void AddDaemonInterfaces<T>(IServiceCollection services)
        where T : class, ISystemStatusSource, IGenerationControl, IJobMonitor, IUpdateSourceSettings, IUpdateTargets, IUpdateBundles, IServiceControl
    {
        services.AddSingleton<ISystemStatusSource>(s => s.GetRequiredService<T>());
        services.AddSingleton<IGenerationControl>(s => s.GetRequiredService<T>());
        services.AddSingleton<IJobMonitor>(s => s.GetRequiredService<T>());
        services.AddSingleton<IUpdateSourceSettings>(s => s.GetRequiredService<T>());
        services.AddSingleton<IUpdateTargets>(s => s.GetRequiredService<T>());
        services.AddSingleton<IUpdateBundles>(s => s.GetRequiredService<T>());
        services.AddSingleton<IServiceControl>(s => s.GetRequiredService<T>());
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // A browser asking for a page that does not exist gets one, in the UI's layout, saying so
        // (still 404); API callers and everything else keep the problem document above.
        app.UseWhen(WantsPage, page => page.UseStatusCodePagesWithReExecute(NotFoundPath, createScopeForStatusCodePages: true));
        // Routing after the re-execution, so the re-executed request finds the page's endpoint.
        app.UseRouting();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ControlServerOptions>>().Value.Remote.Enabled)
        {
            app.UseHsts();
        }
        app.UseMiddleware<LoopbackHostCheck>();
        app.UseWebSockets();
        app.UseMiddleware<SameOriginCheck>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi("/api/openapi/{documentName}.json");
        app.MapHealth();
        app.MapLogin();
        app.MapControlApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static bool WantsPage(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/_blazor")
        && context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static Task ApiStatusOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // Only a browser navigating (GET of a page) is sent to the login form.
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/_blazor")
            || !HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }

    private static void CheckRemote(RemoteAccessOptions remote)
    {
        if (!remote.Enabled)
        {
            return;
        }
        // A hash file named but not written yet: remote access answers, and no sign-in succeeds.
        var awaitingFile = string.IsNullOrEmpty(remote.PasswordHash) && !string.IsNullOrEmpty(remote.PasswordHashFile);
        if (!awaitingFile && !PasswordHash.IsWellFormed(remote.PasswordHash))
        {
            throw new QiTech.Os.Errors.BadInputException(
                $"{ControlServerOptions.Section}:Remote:PasswordHash: missing or not made by 'qitech-control-server hash-password'");
        }
        if (string.IsNullOrEmpty(remote.CertificatePath) || !File.Exists(remote.CertificatePath))
        {
            throw new QiTech.Os.Errors.BadInputException(
                $"{ControlServerOptions.Section}:Remote:CertificatePath: '{remote.CertificatePath}' is not a certificate file (HTTPS is required for remote access)");
        }
    }

    /// <summary>The hash in <see cref="RemoteAccessOptions.PasswordHashFile"/>, or null when no hash is set there.</summary>
    private static string? ReadPasswordHashFile(RemoteAccessOptions remote)
    {
        if (!remote.Enabled || !string.IsNullOrEmpty(remote.PasswordHash) || string.IsNullOrEmpty(remote.PasswordHashFile) || !File.Exists(remote.PasswordHashFile))
        {
            return null;
        }
        var text = File.ReadAllText(remote.PasswordHashFile).Trim();
        if (!PasswordHash.IsWellFormed(text))
        {
            // The file's content is a secret: the message names the file only.
            throw new QiTech.Os.Errors.BadInputException(
                $"{remote.PasswordHashFile}: not a hash made by 'qitech-control-server hash-password' ({ControlServerOptions.Section}:Remote:PasswordHashFile)");
        }
        return text;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(RemoteAccessOptions remote) =>
        string.IsNullOrEmpty(remote.CertificateKeyPath)
            ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(remote.CertificatePath!, null)
            : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(remote.CertificatePath!, remote.CertificateKeyPath);
}
