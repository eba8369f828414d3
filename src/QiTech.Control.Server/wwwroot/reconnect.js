// Keeps a page alive across a restart of the control server (a switch starts the new
// generation's server): wait until /health answers, then reconnect the circuit, or reload
// the page when the new server does not know the old one.
(() => {
  const banner = () => document.getElementById('connection-banner');
  let recovering = false;

  async function serverAnswers() {
    try {
      await fetch('/health', { cache: 'no-store' });
      return true;
    } catch {
      return false;
    }
  }

  async function recover() {
    if (recovering) return;
    recovering = true;
    for (;;) {
      await new Promise(resolve => setTimeout(resolve, 1000));
      if (!(await serverAnswers())) continue;
      try {
        if (await Blazor.reconnect()) {
          recovering = false;
          return;
        }
      } catch {
        // Fall through: a fresh page gets a fresh circuit.
      }
      location.reload();
      return;
    }
  }

  Blazor.start({
    circuit: {
      reconnectionHandler: {
        onConnectionDown: () => { banner().hidden = false; recover(); },
        onConnectionUp: () => { banner().hidden = true; },
      },
    },
  });
})();
