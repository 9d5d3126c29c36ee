// The widget loader, included by any website with
//   <script src="https://HOST/widget.js" data-organization="DOMAIN" async></script>
// (optionally data-team="Sales", a team's name or id, chosen for the visitor).
// It shows a launcher in the organization's colour and, on click, the chat window in an iframe
// served from the loader's own origin. When the visitor has an open conversation (the frame says
// so, and this page's localStorage remembers it), later page loads create the frame hidden at
// once so a message arriving while closed shows an unread badge. Nothing else loads until then.

import { textOn, safeColor } from '../shared/color';
import {
  conversationFlagKey,
  type FrameMessage,
  keptVisitorKey,
  type LoaderMessage,
  WIDGET_SOURCE,
} from '../shared/widget-protocol';

interface Profile {
  name: string;
  widget_color: string;
  online: boolean;
}

const Z = '2147483000';

function start(script: HTMLScriptElement): void {
  const origin = new URL(script.src).origin;
  const data = script.dataset;
  const domain = (data.organization || '').trim().toLowerCase();
  const registry = ((window as any).__raaselWidgets ||= {}) as Record<string, boolean>;
  if (!domain || registry[domain]) return;
  registry[domain] = true;
  const flagKey = conversationFlagKey(domain);
  const keptKey = keptVisitorKey(domain, data.externalId || '');

  const host = document.createElement('div');
  host.setAttribute('data-raasel-widget', domain);
  const root = host.attachShadow({ mode: 'open' });
  const launcher = document.createElement('button');
  const badge = document.createElement('span');
  let frame: HTMLIFrameElement | null = null;
  let ready = false;
  let open = false;
  let unread = 0;
  let name = domain;
  const phone = window.matchMedia('(max-width: 480px)');

  function frameUrl(): string {
    const params = new URLSearchParams({ org: domain, parent: location.origin });
    if (data.externalId) params.set('eid', data.externalId);
    if (data.identityHash) params.set('hash', data.identityHash);
    if (data.name) params.set('name', data.name);
    if (data.email) params.set('email', data.email);
    if (data.team) params.set('team', data.team);
    if (open) params.set('open', '1');
    return `${origin}/widget/?${params}`;
  }

  function post(message: LoaderMessage): void {
    if (ready) frame?.contentWindow?.postMessage(message, origin);
  }

  /** This page, for the agents' view of where the visitor is (the fragment may hold tokens: left out). */
  function page() {
    return { url: location.href.split('#')[0], title: document.title, referrer: document.referrer };
  }

  function load(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  }

  function store(key: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch {
      // Storage blocked on this site too: nothing is remembered.
    }
  }

  function createFrame(): HTMLIFrameElement {
    const f = document.createElement('iframe');
    // The frame checks `parent` against the referrer's origin: send it even where the page's
    // own Referrer-Policy would not (only the origin, which `parent` already says).
    f.referrerPolicy = 'origin';
    f.src = frameUrl();
    f.title = `Chat with ${name}`;
    f.setAttribute('data-raasel-frame', domain);
    Object.assign(f.style, { border: '0', position: 'fixed', zIndex: Z, background: 'transparent', colorScheme: 'normal' });
    root.appendChild(f);
    return f;
  }

  function layout(): void {
    const full = phone.matches;
    if (frame) {
      Object.assign(frame.style, {
        display: open ? 'block' : 'none',
        right: full ? '0' : '20px',
        bottom: full ? '0' : '92px',
        width: full ? '100%' : '380px',
        height: full ? '100%' : 'min(620px, calc(100vh - 112px))',
        borderRadius: full ? '0' : '16px',
        boxShadow: '0 12px 40px rgba(0,0,0,.25)',
      });
    }
    launcher.style.display = open && full ? 'none' : 'flex';
    launcher.setAttribute('aria-expanded', String(open));
    const label = `${open ? 'Close' : 'Open'} chat with ${name}`;
    launcher.setAttribute('aria-label', unread > 0 ? `${label}, ${unread} unread` : label);
    badge.textContent = String(unread);
    badge.style.display = unread > 0 && !open ? 'flex' : 'none';
  }

  function setOpen(next: boolean): void {
    open = next;
    if (open && !frame) frame = createFrame();
    post({ source: WIDGET_SOURCE, type: 'open', open, page: page() });
    layout();
    if (open) frame?.focus();
    else launcher.focus();
  }

  function onFrameMessage(e: MessageEvent): void {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    const msg = e.data as FrameMessage;
    if (!msg || msg.source !== WIDGET_SOURCE) return;
    if (msg.type === 'ready') {
      ready = true;
      post({ source: WIDGET_SOURCE, type: 'init', open, kept: load(keptKey), page: page() });
    }
    if (msg.type === 'close' && open) setOpen(false);
    if (msg.type === 'keep') store(keptKey, msg.value);
    if (msg.type === 'state') {
      unread = msg.unread;
      store(flagKey, msg.conversation ? '1' : null);
      layout();
    }
  }

  function styleLauncher(profile: Profile): void {
    const color = safeColor(profile.widget_color);
    Object.assign(launcher.style, {
      position: 'fixed', right: '20px', bottom: '20px', zIndex: Z, width: '60px', height: '60px',
      borderRadius: '50%', border: '0', cursor: 'pointer', alignItems: 'center', justifyContent: 'center',
      background: color, color: textOn(color), boxShadow: '0 6px 20px rgba(0,0,0,.25)', padding: '0',
    });
    launcher.setAttribute('data-color', color);
    launcher.setAttribute('data-online', String(profile.online));
    Object.assign(badge.style, {
      position: 'absolute', top: '-4px', right: '-4px', minWidth: '22px', height: '22px', borderRadius: '11px',
      background: '#b91c1c', color: '#fff', font: '700 12px/22px system-ui, sans-serif', padding: '0 6px',
      alignItems: 'center', justifyContent: 'center',
    });
    badge.setAttribute('aria-hidden', 'true');
    badge.setAttribute('data-unread', '');
  }

  function chatIcon(): SVGSVGElement {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    path.setAttribute('fill', 'currentColor');
    svg.appendChild(path);
    return svg;
  }

  function show(profile: Profile): void {
    name = profile.name;
    styleLauncher(profile);
    launcher.type = 'button';
    launcher.appendChild(chatIcon());
    launcher.appendChild(badge);
    launcher.addEventListener('click', () => setOpen(!open));
    root.appendChild(launcher);
    document.body.appendChild(host);
    window.addEventListener('message', onFrameMessage);
    phone.addEventListener('change', layout);
    if (load(flagKey) === '1') frame = createFrame();
    layout();
  }

  fetch(`${origin}/api/organizations/discover/${encodeURIComponent(domain)}`)
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((body: { organization: Profile }) => {
      if (document.body) show(body.organization);
      else document.addEventListener('DOMContentLoaded', () => show(body.organization));
    })
    .catch(() => {
      // Unknown organization or server unreachable: no launcher.
    });
}

// currentScript is null when a tag manager runs the loader differently; the tag still says who.
const current = document.currentScript ?? document.querySelector('script[data-organization][src*="widget.js"]');
if (current instanceof HTMLScriptElement && current.src) start(current);
