using Microsoft.JSInterop;
using QiTech.Os.Contract;
using QiTech.Os.Nix;

namespace QiTech.Control.Server.Components.Progress;

/// <summary>
/// The last state of a job the page showed, kept in the browser's session storage: a page
/// reloaded after the control server restarted (a switch starts the new generation's server)
/// shows it until the daemon answers, instead of a blank "Loading…".
/// </summary>
public sealed class LastKnownJob(IJSRuntime js, int jobId)
{
    // The job record holds no store path; the store directory only completes the options.
    private static readonly DaemonJson Json = new(new StoreDirectory(StoreDirectory.Default));

    private string Key => $"qitech-job-{jobId}";

    public async Task RememberAsync(JobJson job)
    {
        try
        {
            await js.InvokeVoidAsync("sessionStorage.setItem", Key, Json.Serialize(job));
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            // A courtesy for the next reload only.
        }
    }

    public async Task<JobJson?> ReadAsync()
    {
        try
        {
            var text = await js.InvokeAsync<string?>("sessionStorage.getItem", Key);
            return string.IsNullOrEmpty(text) ? null : Json.Deserialize<JobJson>(text);
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException
                                     or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
