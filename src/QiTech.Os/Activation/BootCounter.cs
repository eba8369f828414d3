using System.Globalization;
using System.Text.RegularExpressions;
using QiTech.Os.Generations;

namespace QiTech.Os.Activation;

/// <summary>
/// systemd-boot's boot counter in an entry's file name (Automatic Boot Assessment):
/// <c>qitech-N+LEFT-DONE.conf</c> has LEFT tries left and DONE used; <c>+LEFT.conf</c> has none
/// used; a name without a counter is good (blessed, or never counted). The boot loader renames
/// <c>+3</c> to <c>+2-1</c> before it boots an entry, <c>systemd-bless-boot</c> drops the counter
/// once the boot is healthy, and an entry at <c>+0-N</c> is bad: passed over for another.
/// Debian 12's systemd-boot (252) takes the whole file name, counter included, as the entry's
/// id, so <c>bootctl set-oneshot</c> names the file as it is now.
/// </summary>
public readonly partial record struct BootCounter(int Left, int Done)
{
    /// <summary>Tries a new entry gets, as systemd's kernel-install defaults to.</summary>
    public const int InitialTries = 3;

    public static readonly BootCounter New = new(InitialTries, 0);

    public bool IsBad => Left == 0;

    /// <summary>The counter after one more boot of the entry.</summary>
    public BootCounter CountedDown => new(Math.Max(0, Left - 1), Done + 1);

    /// <summary>"qitech-5.conf" without a counter, else "qitech-5+2-1.conf" (or "+3" while none is used).</summary>
    public static string FileName(GenerationNumber number, BootCounter? counter) => counter switch
    {
        null => $"qitech-{number}.conf",
        { Done: 0 } c => string.Create(CultureInfo.InvariantCulture, $"qitech-{number}+{c.Left}.conf"),
        { } c => string.Create(CultureInfo.InvariantCulture, $"qitech-{number}+{c.Left}-{c.Done}.conf"),
    };

    /// <summary>Reads an entry file name of ours: its generation and counter (null: not counted).</summary>
    public static bool TryParseFileName(string fileName, out GenerationNumber number, out BootCounter? counter)
    {
        number = default;
        counter = null;
        var match = Name().Match(fileName);
        if (!match.Success || !GenerationNumber.TryParse(match.Groups[1].ValueSpan, out number, out _))
        {
            return false;
        }
        if (match.Groups[2].Success)
        {
            if (!int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var left)
                || !int.TryParse(match.Groups[3].Success ? match.Groups[3].ValueSpan : "0", NumberStyles.None, CultureInfo.InvariantCulture, out var done))
            {
                return false;
            }
            counter = new BootCounter(left, done);
        }
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Left} tries left, {Done} used");

    [GeneratedRegex("^qitech-([0-9]+)(?:\\+([0-9]+)(?:-([0-9]+))?)?\\.conf$")]
    private static partial Regex Name();
}
