namespace QiTech.Os.Config.Modules;

/// <summary>Every module of the product. Checks run in this order, so the clearest message comes first.</summary>
public static class AllModules
{
    public static IReadOnlyList<IConfigModule> Create() =>
    [
        new SystemModule(),
        new VersionModule(),
        new UpdateModule(),
        new SubstitutersModule(),
        new DaemonModule(),
        new BaseModule(),
        new BootModule(),
        new PowerManagementModule(),
        new KioskModule(),
        new QiTechServiceModule(),
        new QiTechDaemonModule(),
        new PackagesModule(),
        new UsersModule(),
        new SecurityModule(),
        new PolkitModule(),
        new SystemdModule(),
        new LogindModule(),
        new UdevModule(),
        new FirewallModule(),
        new NetworkManagerModule(),
        new LocaleModule(),
        new TimeModule(),
        new EnvironmentModule(),
    ];
}
