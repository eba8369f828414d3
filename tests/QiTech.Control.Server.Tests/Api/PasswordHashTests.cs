using QiTech.Control.Server.Security;

namespace QiTech.Control.Server.Tests.Api;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_accepts_its_password_only()
    {
        var hash = PasswordHash.Create("s3cret");

        Assert.StartsWith("pbkdf2-sha256$", hash);
        Assert.True(PasswordHash.Verify("s3cret", hash));
        Assert.False(PasswordHash.Verify("s3cret ", hash));
        Assert.NotEqual(hash, PasswordHash.Create("s3cret"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s3cret")]
    [InlineData("pbkdf2-sha256$100$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$210000$not base64$AAAA")]
    [InlineData("md5$210000$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    public void A_malformed_hash_lets_nobody_in(string? hash)
    {
        Assert.False(PasswordHash.IsWellFormed(hash));
        Assert.False(PasswordHash.Verify("s3cret", hash));
    }

    [Fact]
    public void Remote_access_without_a_password_hash_does_not_start()
    {
        var error = Assert.Throws<QiTech.Os.Errors.BadInputException>(() =>
            ServerHost.CreateBuilder(["--ControlServer:Remote:Enabled=true"]));

        Assert.Contains("ControlServer:Remote:PasswordHash", error.Message);
    }

    [Fact]
    public void The_hash_comes_from_its_file_and_a_missing_file_only_keeps_everyone_out()
    {
        var dir = Directory.CreateTempSubdirectory("qitech-hash-file").FullName;
        try
        {
            var certificate = Path.Combine(dir, "cert.pem");
            File.WriteAllText(certificate, "stand-in: only its existence is checked before start");
            var file = Path.Combine(dir, "remote-password-hash");
            string[] args = ["--ControlServer:Remote:Enabled=true", "--ControlServer:Remote:CertificatePath=" + certificate, "--ControlServer:Remote:PasswordHashFile=" + file];

            Assert.Null(ServerHost.CreateBuilder(args).Configuration["ControlServer:Remote:PasswordHash"]);

            var hash = PasswordHash.Create("s3cret");
            File.WriteAllText(file, hash + "\n");
            Assert.Equal(hash, ServerHost.CreateBuilder(args).Configuration["ControlServer:Remote:PasswordHash"]);

            File.WriteAllText(file, "s3cret\n");
            var error = Assert.Throws<QiTech.Os.Errors.BadInputException>(() => ServerHost.CreateBuilder(args));
            Assert.Equal($"{file}: not a hash made by 'qitech-control-server hash-password' (ControlServer:Remote:PasswordHashFile)", error.Message);
            Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
