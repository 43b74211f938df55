/* LAPOR! web chat for a regency's website.
 *
 *   <script src="https://lapor.example/embed.js" defer></script>
 *
 * adds a floating "Lapor!" button (bottom right) that opens the chat in a
 * frame served by the script's own origin. Nothing here depends on the host
 * page's CSS or CSP: every element lives in a shadow root where possible,
 * every class and id is prefixed "lapor-embed-", and every style is set
 * through the CSSOM (element.style), never through a <style> element or a
 * style attribute in markup. Optional attributes on the script tag:
 *   data-lang="en"          English labels (default: the host page's lang, else Indonesian)
 *   data-label="Lapor!"     the button's text
 */
(() => {
  'use strict';

  if (window.__laporEmbed) return;
  window.__laporEmbed = true;

  const script = document.currentScript ||
    Array.prototype.slice.call(document.getElementsByTagName('script'))
      .reverse()
      .find((s) => /\/embed\.js(?:[?#]|$)/.test(s.src || ''));
  if (!script || !script.src) return;

  let origin;
  try {
    origin = new URL(script.src, window.location.href).origin;
  } catch (_) {
    return;
  }
  const chatUrl = `${origin}/`;

  const wanted = (script.getAttribute('data-lang') || document.documentElement.lang || 'id').toLowerCase();
  const lang = wanted.indexOf('en') === 0 ? 'en' : 'id';
  const TEXT = {
    id: {
      open: 'Buka layanan pengaduan LAPOR! Kabupaten Magetan',
      title: 'LAPOR! Magetan',
      frame: 'Layanan LAPOR! SP4N Kabupaten Magetan',
      close: 'Tutup chat LAPOR!',
      newTab: 'Buka di tab baru',
    },
    en: {
      open: 'Open the LAPOR! complaint service of Magetan Regency',
      title: 'LAPOR! Magetan',
      frame: 'LAPOR! SP4N public service complaints, Magetan Regency',
      close: 'Close the LAPOR! chat',
      newTab: 'Open in a new tab',
    },
  }[lang];
  const buttonText = script.getAttribute('data-label') || 'Lapor!';

  const P = 'lapor-embed-';
  const RED = '#b3261e';
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';

  /** Sets styles with !important so that host rules cannot override them. */
  function css(node, styles) {
    for (const name of Object.keys(styles)) node.style.setProperty(name, styles[name], 'important');
  }

  function make(tag, cls, attrs) {
    const node = document.createElement(tag);
    if (cls) node.className = P + cls;
    if (attrs) for (const k of Object.keys(attrs)) node.setAttribute(k, attrs[k]);
    return node;
  }

  function icon(paths) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const a = {
      viewBox: '0 0 24 24', width: '22', height: '22', fill: 'none', stroke: 'currentColor', 'stroke-width': '2',
      'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false',
    };
    for (const k of Object.keys(a)) svg.setAttribute(k, a[k]);
    svg.setAttribute('class', `${P}icon`);
    css(svg, { display: 'block', flex: '0 0 auto', width: '22px', height: '22px' });
    for (const d of paths) {
      const p = document.createElementNS(ns, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    }
    return svg;
  }

  // A visible focus ring without a stylesheet: shown on keyboard focus.
  function focusRing(node, color) {
    node.addEventListener('focus', () => {
      let visible = true;
      try { visible = node.matches(':focus-visible'); } catch (_) { /* old browser: always show */ }
      if (visible) {
        css(node, { outline: `3px solid ${color}`, 'outline-offset': '2px' });
      }
    });
    node.addEventListener('blur', () => {
      node.style.removeProperty('outline');
      node.style.removeProperty('outline-offset');
    });
  }

  // ----- host element and shadow root

  const host = make('div', 'root', { id: `${P}root` });
  css(host, {
    all: 'initial', position: 'static', display: 'block', width: '0', height: '0', margin: '0', padding: '0', border: '0',
  });
  let root = host;
  try {
    if (host.attachShadow) root = host.attachShadow({ mode: 'open' });
  } catch (_) {
    root = host;
  }

  const container = make('div', 'container');
  css(container, {
    all: 'initial', 'font-family': FONT, 'font-size': '16px', 'line-height': '1.4', color: '#1b1f24',
    '-webkit-text-size-adjust': '100%',
  });
  root.appendChild(container);

  // ----- launcher button

  const launcher = make('button', 'launcher', {
    type: 'button', id: `${P}launcher`, 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': `${P}panel`,
    'aria-label': TEXT.open, title: TEXT.open,
  });
  const launcherText = make('span', 'launcher-text');
  launcherText.textContent = buttonText;
  css(launcherText, { display: 'inline', font: 'inherit', color: 'inherit' });
  launcher.appendChild(icon(['M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z']));
  launcher.appendChild(launcherText);
  css(launcher, {
    position: 'fixed', right: 'calc(16px + env(safe-area-inset-right, 0px))',
    bottom: 'calc(16px + env(safe-area-inset-bottom, 0px))', 'z-index': '2147483000',
    display: 'inline-flex', 'align-items': 'center', gap: '8px', 'box-sizing': 'border-box',
    'min-height': '48px', 'min-width': '48px', margin: '0', padding: '12px 20px',
    'font-family': FONT, 'font-size': '17px', 'font-weight': '700', 'line-height': '1.2', 'letter-spacing': 'normal',
    'text-transform': 'none', 'text-decoration': 'none', color: '#ffffff', background: RED,
    border: '2px solid #ffffff', 'border-radius': '999px', 'box-shadow': '0 4px 14px rgba(0,0,0,.3)', cursor: 'pointer',
    '-webkit-appearance': 'none', appearance: 'none', width: 'auto', height: 'auto', 'max-width': 'none',
    visibility: 'visible', opacity: '1', transform: 'none',
  });
  focusRing(launcher, '#0b57a4');

  // ----- panel (dialog) with a header and the frame

  const panel = make('div', 'panel', {
    id: `${P}panel`, role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': `${P}title`,
  });
  const header = make('div', 'header');
  const title = make('span', 'title', { id: `${P}title` });
  title.textContent = TEXT.title;
  const newTab = make('a', 'newtab', { href: chatUrl, target: '_blank', rel: 'noopener' });
  newTab.textContent = TEXT.newTab;
  const close = make('button', 'close', { type: 'button', 'aria-label': TEXT.close, title: TEXT.close });
  close.appendChild(icon(['M18 6L6 18', 'M6 6l12 12']));
  header.appendChild(title);
  header.appendChild(newTab);
  header.appendChild(close);
  panel.appendChild(header);

  css(panel, {
    position: 'fixed', 'z-index': '2147483001', display: 'none', 'flex-direction': 'column', 'box-sizing': 'border-box',
    margin: '0', padding: '0', background: '#ffffff', color: '#1b1f24', border: '1px solid #c9d0d8', overflow: 'hidden',
    'box-shadow': '0 8px 30px rgba(0,0,0,.35)', 'font-family': FONT, 'font-size': '16px', 'text-align': 'left',
    visibility: 'visible', opacity: '1', transform: 'none',
  });
  css(header, {
    display: 'flex', 'align-items': 'center', gap: '8px', 'box-sizing': 'border-box', flex: '0 0 auto',
    'min-height': '48px', margin: '0', padding: '4px 6px 4px 14px', background: RED, color: '#ffffff',
  });
  css(title, {
    flex: '1 1 auto', 'min-width': '0', overflow: 'hidden', 'text-overflow': 'ellipsis', 'white-space': 'nowrap',
    'font-family': FONT, 'font-size': '16px', 'font-weight': '700', color: '#ffffff', margin: '0', padding: '0',
  });
  css(newTab, {
    flex: '0 0 auto', 'font-family': FONT, 'font-size': '13px', 'font-weight': '400', color: '#ffffff',
    'text-decoration': 'underline', padding: '8px 4px', margin: '0', background: 'transparent', border: '0',
  });
  css(close, {
    flex: '0 0 auto', display: 'inline-flex', 'align-items': 'center', 'justify-content': 'center',
    width: '44px', height: '44px', margin: '0', padding: '0', 'box-sizing': 'border-box',
    color: '#ffffff', background: 'transparent', border: '0', 'border-radius': '8px', cursor: 'pointer',
    '-webkit-appearance': 'none', appearance: 'none',
  });
  focusRing(close, '#ffffff');
  focusRing(newTab, '#ffffff');

  let frame = null;

  function makeFrame() {
    frame = make('iframe', 'frame', { title: TEXT.frame, src: chatUrl, allow: 'geolocation' });
    frame.setAttribute('referrerpolicy', 'no-referrer');
    css(frame, {
      display: 'block', flex: '1 1 auto', width: '100%', height: '100%', 'min-height': '0', margin: '0', padding: '0',
      border: '0', background: '#ffffff', 'color-scheme': 'normal',
    });
    panel.appendChild(frame);
  }

  // ----- responsive placement

  const small = window.matchMedia ? window.matchMedia('(max-width: 480px), (max-height: 520px)') : null;

  function place() {
    const phone = Boolean(small && small.matches);
    if (phone) {
      css(panel, {
        top: '0', left: '0', right: '0', bottom: '0', width: '100%', height: '100%', 'max-height': 'none', 'max-width': 'none',
        'border-radius': '0', border: '0',
      });
    } else {
      css(panel, {
        top: 'auto', left: 'auto', right: 'calc(16px + env(safe-area-inset-right, 0px))',
        bottom: 'calc(84px + env(safe-area-inset-bottom, 0px))',
        width: '400px', height: 'min(680px, calc(100vh - 112px))', 'max-height': 'calc(100vh - 112px)',
        'max-width': 'calc(100vw - 32px)', 'border-radius': '14px', border: '1px solid #c9d0d8',
      });
    }
    const open = launcher.getAttribute('aria-expanded') === 'true';
    css(launcher, { display: phone && open ? 'none' : 'inline-flex' });
  }

  // ----- open / close

  function isOpen() {
    return launcher.getAttribute('aria-expanded') === 'true';
  }

  function open() {
    if (!frame) makeFrame();
    css(panel, { display: 'flex' });
    launcher.setAttribute('aria-expanded', 'true');
    place();
    // Focus the chat so that Tab continues inside it.
    window.setTimeout(() => {
      try { frame.focus(); } catch (_) { close.focus(); }
    }, 0);
  }

  function shut() {
    css(panel, { display: 'none' });
    launcher.setAttribute('aria-expanded', 'false');
    place();
    launcher.focus();
  }

  launcher.addEventListener('click', () => { if (isOpen()) shut(); else open(); });
  close.addEventListener('click', shut);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen()) {
      e.stopPropagation();
      shut();
    }
  });
  // Escape pressed inside the chat frame (chat.js posts this message).
  window.addEventListener('message', (e) => {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    if (e.data && e.data.type === 'lapor-embed:close' && isOpen()) shut();
  });

  if (small) {
    if (small.addEventListener) small.addEventListener('change', place);
    else if (small.addListener) small.addListener(place);
  }

  container.appendChild(launcher);
  container.appendChild(panel);
  place();

  function mount() {
    if (!host.isConnected) document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
