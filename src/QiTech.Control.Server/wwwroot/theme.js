// The screen's theme: the operator's choice (kept in this browser; ?theme=NAME in the kiosk's
// URL sets it too), else the system's: high contrast when it asks for more contrast, dark when
// it prefers dark, light otherwise. Loaded in <head>, so no page flashes in the wrong colours.
window.qitechTheme = (() => {
  const choices = ['auto', 'light', 'dark', 'contrast'];
  const key = 'qitech-theme';
  const prefersDark = matchMedia('(prefers-color-scheme: dark)');
  const prefersContrast = matchMedia('(prefers-contrast: more)');
  const asked = new URLSearchParams(location.search).get('theme');
  if (choices.includes(asked)) localStorage.setItem(key, asked);

  const choice = () => {
    const stored = localStorage.getItem(key);
    return choices.includes(stored) ? stored : 'auto';
  };
  const apply = () => {
    const chosen = choice();
    document.documentElement.dataset.theme = chosen !== 'auto' ? chosen
      : prefersContrast.matches ? 'contrast' : prefersDark.matches ? 'dark' : 'light';
  };
  prefersDark.addEventListener('change', apply);
  prefersContrast.addEventListener('change', apply);
  apply();

  return {
    choice,
    next: () => {
      localStorage.setItem(key, choices[(choices.indexOf(choice()) + 1) % choices.length]);
      apply();
      return choice();
    },
  };
})();
