namespace QiTech.Control.Server;

/// <summary>The configuration section "ControlServer" (appsettings, environment, command line).</summary>
public sealed class ControlServerOptions
{
    public const string Section = "ControlServer";

    /// <summary>The daemon's socket; empty means the root layout's <c>R/run/qitech-os/daemon.sock</c>.</summary>
    public string? DaemonSocket { get; set; }

    /// <summary>The system root (default: <c>$QITECH_ROOT</c>, else "/").</summary>
    public string? Root { get; set; }

    /// <summary>
    /// The server's own state (its cookie-signing keys); empty means <c>$STATE_DIRECTORY</c>, else
    /// <c>R/var/lib/qitech-control-server</c>.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// The group the daemon admits (its <c>--group</c>): a loopback peer of root, of the
    /// daemon's user or of a member of this group is the machine's own screen and needs no login.
    /// </summary>
    public string DaemonGroup { get; set; } = QiTech.Os.Access.AccessPolicy.DefaultGroup;

    /// <summary>The loopback port the kiosk browser uses.</summary>
    public int Port { get; set; } = 3001;

    /// <summary>
    /// The configuration file, relative to the repository, that updates build; empty means the
    /// daemon's default (machine.yaml, else configuration/machine.yaml).
    /// </summary>
    public string? UpdateConfigFile { get; set; }

    public RemoteAccessOptions Remote { get; set; } = new();
}

/// <summary>
/// Access from other machines: off by default. When on, the server also listens on every
/// address over HTTPS and everyone but the machine's own screen must log in with the password
/// whose hash is configured here (made by <c>qitech-control-server hash-password</c>).
/// </summary>
public sealed class RemoteAccessOptions
{
    public bool Enabled { get; set; }

    public int Port { get; set; } = 3443;

    /// <summary>A PKCS#12 (.pfx) or PEM certificate file for HTTPS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key file, when the certificate is PEM.</summary>
    public string? CertificateKeyPath { get; set; }

    public string? PasswordHash { get; set; }

    /// <summary>
    /// A file of the machine holding <see cref="PasswordHash"/> (what <c>services.qitech</c>
    /// sets): the hash stays out of the unit and the store. While the file is missing the
    /// listener runs and nobody can sign in remotely.
    /// </summary>
    public string? PasswordHashFile { get; set; }
}
