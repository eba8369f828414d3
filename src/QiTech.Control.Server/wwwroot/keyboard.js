// An on-screen keyboard for touch panels that have none: chromium under a kiosk compositor has
// no input method. It is on when the kiosk's URL says ?keyboard=on (remembered in this browser;
// ?keyboard=off turns it off), opens when a text field gets focus, keeps the field above itself
// and types into it as a keyboard does (input events, so the page sees every key).
(() => {
  const key = 'qitech-keyboard';
  const asked = new URLSearchParams(location.search).get('keyboard');
  if (asked === 'on' || asked === 'off') localStorage.setItem(key, asked);
  if (localStorage.getItem(key) !== 'on') return;

  // Everything a URL or an access token needs: letters, digits and the URL's symbols.
  const layers = {
    letters: ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
    symbols: ['1234567890', '-_.:/@?&=#', '%+~!$*\'(),', ';[]{}<>|\\^'],
  };
  const textTypes = ['text', 'url', 'password', 'search', 'email', 'tel'];
  let layer = 'letters';
  let shift = 'off'; // off, once (the next letter), lock
  let field = null;

  const board = document.createElement('div');
  board.className = 'osk';
  board.id = 'osk';
  board.hidden = true;
  board.setAttribute('role', 'group');
  board.setAttribute('aria-label', 'On-screen keyboard');
  // The field keeps the focus: a key press must not blur it.
  board.addEventListener('mousedown', e => e.preventDefault());
  board.addEventListener('pointerdown', e => e.preventDefault());

  const button = (label, action, className) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (className) b.className = className;
    b.addEventListener('click', e => { e.preventDefault(); action(); });
    return b;
  };
  const typeKey = ch => {
    const b = button(ch, () => {
      insert(b.dataset.char);
      if (shift === 'once') { shift = 'off'; render(); }
    });
    b.dataset.key = ch;
    return b;
  };

  function render() {
    board.replaceChildren();
    const rows = layers[layer].map(keys => {
      const row = document.createElement('div');
      row.className = 'osk-row';
      for (const ch of keys) row.append(typeKey(ch));
      return row;
    });
    const shiftKey = button(shift === 'lock' ? '⇪' : '⇧', () => {
      shift = shift === 'off' ? 'once' : shift === 'once' ? 'lock' : 'off';
      render();
    }, 'osk-wide' + (shift !== 'off' ? ' osk-on' : ''));
    shiftKey.dataset.key = 'shift';
    shiftKey.setAttribute('aria-label', 'Shift');
    const back = button('⌫', backspace, 'osk-wide');
    back.dataset.key = 'backspace';
    back.setAttribute('aria-label', 'Backspace');
    rows[3].prepend(shiftKey);
    rows[3].append(back);
    const bottom = document.createElement('div');
    bottom.className = 'osk-row';
    const toggle = button(layer === 'letters' ? '?123' : 'abc', () => {
      layer = layer === 'letters' ? 'symbols' : 'letters';
      render();
    }, 'osk-wide');
    toggle.dataset.key = 'layer';
    const space = button('space', () => insert(' '), 'osk-space');
    space.dataset.key = 'space';
    const enter = button('Enter', pressEnter, 'osk-wide osk-enter');
    enter.dataset.key = 'enter';
    const hide = button('Hide', () => field?.blur(), 'osk-wide');
    hide.dataset.key = 'hide';
    bottom.append(toggle, typeKey('/'), typeKey(':'), space, typeKey('.'), typeKey('-'), enter, hide);
    rows.push(bottom);
    board.append(...rows);
    for (const b of board.querySelectorAll('button[data-key]')) {
      const ch = b.dataset.key;
      if (ch.length !== 1) continue;
      b.dataset.char = shift !== 'off' && layer === 'letters' ? ch.toUpperCase() : ch;
      b.textContent = b.dataset.char;
    }
  }

  function changed(inputType, data) {
    field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType, data }));
  }

  function insert(text) {
    if (!field) return;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.setRangeText(text, start, end, 'end');
    changed('insertText', text);
  }

  function backspace() {
    if (!field) return;
    const end = field.selectionEnd ?? field.value.length;
    const start = field.selectionStart ?? end;
    if (start === end && start === 0) return;
    field.setRangeText('', start === end ? start - 1 : start, end, 'end');
    changed('deleteContentBackward', null);
  }

  function pressEnter() {
    if (!field) return;
    const target = field;
    for (const type of ['keydown', 'keyup']) {
      target.dispatchEvent(new KeyboardEvent(type, { key: 'Enter', code: 'Enter', bubbles: true }));
    }
    target.dispatchEvent(new Event('change', { bubbles: true }));
    target.form?.requestSubmit();
    target.blur();
  }

  // The field stays in view above the keyboard; the page gets room below to scroll it there.
  function keepInView() {
    if (!field || board.hidden) return;
    document.body.style.paddingBottom = board.offsetHeight + 'px';
    const top = board.getBoundingClientRect().top - 12;
    const box = field.getBoundingClientRect();
    if (box.bottom > top) window.scrollBy(0, box.bottom - top);
    else if (box.top < 0) window.scrollBy(0, box.top - 12);
  }

  const isTextField = el => el instanceof HTMLTextAreaElement
    || (el instanceof HTMLInputElement && textTypes.includes(el.type) && !el.readOnly && !el.disabled);

  document.addEventListener('focusin', e => {
    if (!isTextField(e.target)) return;
    field = e.target;
    if (board.hidden) {
      shift = 'off';
      layer = 'letters';
      render();
      board.hidden = false;
    }
    keepInView();
  });
  document.addEventListener('focusout', () => {
    // Focus moving to another field is a focusin right after: close only when none follows.
    setTimeout(() => {
      if (isTextField(document.activeElement)) return;
      field = null;
      board.hidden = true;
      document.body.style.paddingBottom = '';
    }, 0);
  });
  window.addEventListener('resize', keepInView);
  document.addEventListener('DOMContentLoaded', () => document.body.append(board));
  if (document.body) document.body.append(board);
})();
