using System.Globalization;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Components;

/// <summary>How the pages write dates, sizes and commits: the same everywhere, in UTC.</summary>
public static class Format
{
    public static string Date(DateTimeOffset? at) =>
        at is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "–";

    /// <summary>A timestamp as the daemon sent it: formatted when it parses, else as it is.</summary>
    public static string Date(string? text) =>
        string.IsNullOrEmpty(text) ? "–"
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? Date(at)
        : text;

    public static string ShortCommit(string? commit) =>
        commit is null ? "–" : commit.Length > 10 ? commit[..10] : commit;

    public static string Bytes(long? size) => size is not { } bytes ? "–" : bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.# 'KiB'", CultureInfo.InvariantCulture),
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.# 'MiB'", CultureInfo.InvariantCulture),
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.## 'GiB'", CultureInfo.InvariantCulture),
    };

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || s < 0)
        {
            return "–";
        }
        var span = TimeSpan.FromSeconds(Math.Floor(s));
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{span.Hours} h {span.Minutes} min"
            : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds} s"
            : $"{span.Seconds} s";
    }

    /// <summary>An enum value as the daemon writes it ("running", "tag"), for labels and CSS classes.</summary>
    public static string Wire<T>(T value)
        where T : struct, Enum => DaemonJson.WireName(value);

    public static string ModeLabel(ActivationMode mode) => mode switch
    {
        ActivationMode.Switch => "Switch now",
        ActivationMode.Boot => "At next boot",
        ActivationMode.Test => "Test until reboot",
        _ => mode.ToString(),
    };

    /// <summary>A daemon failure in words the operator can act on.</summary>
    public static string Failure(Exception e) => e switch
    {
        DaemonUnavailableException => "The system daemon (qitech-osd) does not answer. It may be restarting; try again in a moment.",
        _ => e.Message,
    };
}
