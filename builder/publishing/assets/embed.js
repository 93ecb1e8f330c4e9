/* LLMOps Studio — web chat embed.
 *
 *   <script src="https://studio.example.com/embed.js" data-chat="TOKEN" defer></script>
 *
 * Adds a round button at the bottom right of the page; it opens the app's chat in a panel (an
 * iframe of /chat/TOKEN/?embed=1) and closes it again; Escape closes it too. Optional attributes:
 * data-title (the button's label), data-color (the button's colour), data-open="true" (start open).
 * Everything lives in a shadow root: the page's styles do not reach in and ours do not leak out.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script) return;
  var token = script.getAttribute('data-chat') || '';
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(token)) {
    console.warn('LLMOps Studio chat: set data-chat="<token>" on the embed.js script tag.');
    return;
  }
  var origin = new URL(script.src, window.location.href).origin;
  var title = script.getAttribute('data-title') || 'Chat';
  var color = script.getAttribute('data-color') || '';
  if (!color || !(window.CSS && CSS.supports && CSS.supports('color', color))) color = '#3b5bdb';

  var CSS_TEXT =
    ':host{all:initial}' +
    '.bubble{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;' +
    'border:0;padding:0;margin:0;cursor:pointer;background:' + color + ';color:#fff;display:flex;align-items:center;' +
    'justify-content:center;box-shadow:0 6px 20px rgba(16,24,40,.28);transition:transform .15s ease}' +
    '.bubble:hover{transform:scale(1.06)}' +
    '.bubble:focus-visible{outline:3px solid ' + color + ';outline-offset:3px}' +
    '.bubble svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;' +
    'stroke-linejoin:round}' +
    '.panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:400px;height:620px;' +
    'max-width:calc(100vw - 40px);max-height:calc(100vh - 112px);border-radius:14px;overflow:hidden;' +
    'background:#fff;box-shadow:0 12px 40px rgba(16,24,40,.3)}' +
    '.panel[hidden]{display:none}' +
    '.panel iframe{width:100%;height:100%;border:0;display:block}' +
    '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100vh;max-width:none;max-height:none;' +
    'border-radius:0}.open .bubble{bottom:auto;top:12px;right:12px;width:40px;height:40px}}';
  var CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>';
  var CLOSE_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';

  var host = document.createElement('div');
  host.setAttribute('data-llmops-chat', '');
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = CSS_TEXT;
  var wrap = document.createElement('div');
  var panel = document.createElement('div');
  panel.className = 'panel';
  panel.id = 'llmops-chat-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', title);
  var frame = document.createElement('iframe');
  frame.title = title;
  frame.setAttribute('allow', 'clipboard-write');
  panel.appendChild(frame);
  var bubble = document.createElement('button');
  bubble.type = 'button';
  bubble.className = 'bubble';
  bubble.setAttribute('aria-controls', panel.id);
  wrap.appendChild(panel);
  wrap.appendChild(bubble);
  root.appendChild(style);
  root.appendChild(wrap);

  var open = false;
  function render() {
    panel.hidden = !open;
    wrap.className = open ? 'open' : '';
    bubble.setAttribute('aria-expanded', String(open));
    bubble.setAttribute('aria-label', open ? 'Close chat' : 'Open chat: ' + title);
    bubble.title = open ? 'Close chat (Esc)' : title;
    bubble.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
  }
  function setOpen(next, moveFocus) {
    if (next === open) return;
    open = next;
    if (open && !frame.src) frame.src = origin + '/chat/' + encodeURIComponent(token) + '/?embed=1';
    render();
    if (moveFocus === false) return;
    if (open) frame.focus();
    else bubble.focus();
  }

  bubble.addEventListener('click', function () {
    setOpen(!open);
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && open) setOpen(false);
  });
  // Inside the iframe, keys stay there: the chat page asks to be closed on Escape.
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === 'llmops-chat:close') setOpen(false);
  });

  render();
  function mount() {
    document.body.appendChild(host);
    if (script.getAttribute('data-open') === 'true') setOpen(true, false);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
