using QiTech.Os.Activation;

namespace QiTech.Control.Server.Components.Progress;

/// <summary>The progress page of an update, carrying the ref and mode so a failed or cancelled one can be tried again.</summary>
public static class ProgressUrl
{
    public static string Of(int jobId, string gitRef, ActivationMode mode) =>
        $"/setup/update/progress/{jobId}?ref={Uri.EscapeDataString(gitRef)}&mode={Format.Wire(mode)}";
}
