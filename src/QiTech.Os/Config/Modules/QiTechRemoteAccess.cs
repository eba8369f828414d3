using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// Remote access of the control server (<c>services.qitech.openFirewall</c>): its own HTTPS
/// listener on <c>remoteAccess.port</c>, a self-signed certificate made once on the machine when
/// none is there (as the original's reverse proxy with <c>tls internal</c>), the password hash read from a
/// file of the machine.
/// </summary>
public static class QiTechRemoteAccess
{
    public const string CertificateUnit = "qitech-control-server-certificate";

    /// <summary>The server's configuration keys (ControlServer:Remote:*) as environment variables.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> ServerSettings(EvaluatedConfig config) =>
    [
        new("ControlServer__Remote__Enabled", true),
        new("ControlServer__Remote__Port", config.Int("services.qitech.remoteAccess.port")),
        new("ControlServer__Remote__CertificatePath", config.String("services.qitech.remoteAccess.certificate")),
        new("ControlServer__Remote__CertificateKeyPath", config.String("services.qitech.remoteAccess.certificateKey")),
        new("ControlServer__Remote__PasswordHashFile", config.String("services.qitech.remoteAccess.passwordHashFile")),
    ];

    public static void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        var certificate = config.String("services.qitech.remoteAccess.certificate");
        var key = config.String("services.qitech.remoteAccess.certificateKey");
        var folders = new[] { Path.GetDirectoryName(certificate)!, Path.GetDirectoryName(key)! }.Distinct(StringComparer.Ordinal);
        if (BaseModule.Enabled(config))
        {
            contributions.Set("system.base.packages", List("openssl"));
        }
        contributions.Set("systemd.services." + CertificateUnit, new Dictionary<string, object?>
        {
            ["description"] = "Self-signed certificate for the QiTech Control server's remote access",
            ["unitConfig"] = new Dictionary<string, object?> { ["ConditionPathExists"] = "!" + certificate },
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["Type"] = "oneshot",
                ["User"] = config.String("services.qitech.user"),
                ["Group"] = config.String("services.qitech.group"),
                ["StateDirectory"] = config.String("services.qitech.stateDirectory"),
                ["UMask"] = "0077",
                ["ExecStartPre"] = "/usr/bin/mkdir -p " + string.Join(' ', folders),
                // %H: systemd's host name specifier, the certificate's subject.
                ["ExecStart"] = "/usr/bin/openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj /CN=%H "
                    + $"-keyout {key} -out {certificate}",
            },
        });
    }
}
