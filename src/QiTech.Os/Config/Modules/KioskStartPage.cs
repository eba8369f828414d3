namespace QiTech.Os.Config.Modules;

/// <summary>
/// The page the kiosk's browser opens first, a local file that needs neither the network nor
/// the server: it shows that the machine is starting and opens the target (its fragment) once
/// the server answers. A browser pointed straight at the server shows an error page while the
/// server starts, and under load the browser's first navigation can be lost altogether (its
/// network process restarting), leaving a blank screen; this page asks again until it is gone.
/// </summary>
public static class KioskStartPage
{
    public const string EtcPath = "qitech/kiosk-start.html";

    public static string UrlFor(string target) => "file:///etc/" + EtcPath + "#" + target;

    public const string Html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>QiTech Control</title>
        <style>
        html, body { margin: 0; height: 100%; background: #f4f5f7; color: #1f2328; font: 28px sans-serif; }
        body { display: flex; align-items: center; justify-content: center; }
        </style></head>
        <body><p>QiTech Control is starting…</p>
        <script>
        const target = location.hash.slice(1);
        async function open() {
          if (!/^https?:\/\//.test(target)) {
            document.body.textContent = "No start address for the screen.";
            return;
          }
          for (;;) {
            try {
              await fetch(target, { mode: "no-cors", cache: "no-store" });
              location.replace(target);
              // Still here after a while: the navigation was lost; ask again.
              setTimeout(open, 30000);
              return;
            } catch {
              await new Promise(resolve => setTimeout(resolve, 1000));
            }
          }
        }
        open();
        </script></body></html>

        """;
}
