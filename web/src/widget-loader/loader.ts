// The widget loader, included by any website with
//   <script src="https://HOST/widget.js" data-organization="DOMAIN" async></script>
// (optionally data-team="Sales", a team's name or id, chosen for the visitor; data-locale="de",
// the language). It shows a launcher in the organization's colour and, on click, the chat
// window in an iframe served from the loader's own origin. When the visitor has an open
// conversation (the frame says so, and this page's localStorage remembers it), later page loads
// create the frame hidden at once so a message arriving while closed shows an unread badge and
// a preview of it. Nothing else loads until then. `window.Raasel` (api.ts) lets the site open
// and close the chat, name its user, choose the language and hear of messages.

import { textOn, safeColor } from '../shared/color';
import { LOADER_TEXT } from '../shared/i18n/loader-text';
import { chooseLocale, dirOf, fill, localeOf } from '../shared/i18n/locales';
import {
  conversationFlagKey,
  type FrameMessage,
  keptVisitorKey,
  type LoaderMessage,
  type NewMessage,
  WIDGET_SOURCE,
} from '../shared/widget-protocol';
import { type SiteUser, type WidgetEvent, install } from './api';

interface Profile {
  name: string;
  widget_color: string;
  online: boolean;
  default_locale?: string | null;
}

/** The identity the frame is given, from the data attributes or `Raasel.setUser`. */
interface User {
  eid: string;
  hash: string;
  name: string;
  email: string;
  attrs: string;
}

const Z = '2147483000';
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function userOf(u: SiteUser | null): User {
  const a = u?.attributes;
  return {
    eid: text(u?.external_id),
    hash: text(u?.identity_hash),
    name: text(u?.name),
    email: text(u?.email),
    attrs: a && typeof a === 'object' ? JSON.stringify(a) : '',
  };
}

function start(script: HTMLScriptElement): void {
  const origin = new URL(script.src).origin;
  const data = script.dataset;
  const domain = (data.organization || '').trim().toLowerCase();
  const registry = ((window as any).__raaselWidgets ||= {}) as Record<string, boolean>;
  if (!domain || registry[domain]) return;
  registry[domain] = true;
  const flagKey = conversationFlagKey(domain);
  let user = userOf({ external_id: data.externalId, identity_hash: data.identityHash, name: data.name, email: data.email });
  let keptKey = keptVisitorKey(domain, user.eid);
  let siteLocale = data.locale || '';

  const host = document.createElement('div');
  host.setAttribute('data-raasel-widget', domain);
  const root = host.attachShadow({ mode: 'open' });
  const launcher = document.createElement('button');
  const badge = document.createElement('span');
  const bubble = document.createElement('div');
  const bubbleOpen = document.createElement('button');
  const bubbleClose = document.createElement('button');
  let frame: HTMLIFrameElement | null = null;
  let profile: Profile | null = null;
  let ready = false;
  let open = false;
  /** Asked to open before the launcher was there. */
  let wantOpen = false;
  let unread = 0;
  let latest: NewMessage | null = null;
  const listeners: Record<string, ((payload?: unknown) => void)[]> = {};
  const phone = window.matchMedia('(max-width: 480px)');

  function emit(event: WidgetEvent, payload?: unknown): void {
    for (const fn of listeners[event] || []) {
      try {
        fn(payload);
      } catch (e) {
        // The site's own error: reported to it without stopping the widget.
        setTimeout(() => {
          throw e;
        });
      }
    }
  }

  const locale = () => chooseLocale([siteLocale, ...navigator.languages, profile?.default_locale]);
  const words = () => LOADER_TEXT[locale()];
  const name = () => profile?.name || domain;

  function frameUrl(): string {
    const params = new URLSearchParams({ org: domain, parent: location.origin });
    if (user.eid) params.set('eid', user.eid);
    if (user.hash) params.set('hash', user.hash);
    if (user.name) params.set('name', user.name);
    if (user.email) params.set('email', user.email);
    if (user.attrs) params.set('attrs', user.attrs);
    if (data.team) params.set('team', data.team);
    if (siteLocale) params.set('locale', siteLocale);
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
    f.setAttribute('data-raasel-frame', domain);
    Object.assign(f.style, { border: '0', position: 'fixed', zIndex: Z, background: 'transparent', colorScheme: 'normal' });
    root.appendChild(f);
    return f;
  }

  function layout(): void {
    const full = phone.matches;
    // The launcher sits on the side a page reads from last: bottom left on a right-to-left page.
    const rtl = getComputedStyle(document.documentElement).direction === 'rtl' || dirOf(localeOf(siteLocale) || 'en') === 'rtl';
    const [side, away] = rtl ? ['left', 'right'] : ['right', 'left'];
    const t = words();
    const vars = { name: name(), n: unread };
    const edge = { [side]: '20px', [away]: 'auto' };
    if (frame) {
      frame.title = fill(t.frame, vars);
      Object.assign(frame.style, {
        display: open ? 'block' : 'none',
        [side]: full ? '0' : '20px',
        [away]: 'auto',
        bottom: full ? '0' : '92px',
        width: full ? '100%' : '380px',
        height: full ? '100%' : 'min(620px, calc(100vh - 112px))',
        borderRadius: full ? '0' : '16px',
        boxShadow: '0 12px 40px rgba(0,0,0,.25)',
      });
    }
    Object.assign(launcher.style, edge);
    Object.assign(bubble.style, edge);
    launcher.style.display = open && full ? 'none' : 'flex';
    launcher.setAttribute('aria-expanded', String(open));
    const label = fill(open ? t.close : t.open, vars);
    launcher.setAttribute('aria-label', unread > 0 ? `${label}, ${fill(t.unread, vars)}` : label);
    badge.textContent = String(unread);
    badge.style.display = unread > 0 && !open ? 'flex' : 'none';
    bubble.style.display = latest && !open ? 'flex' : 'none';
    bubble.dir = dirOf(locale());
    bubbleClose.setAttribute('aria-label', t.dismiss);
  }

  function setOpen(next: boolean): void {
    if (!profile) {
      wantOpen = next;
      return;
    }
    const changed = next !== open;
    open = next;
    if (open) latest = null;
    if (open && !frame) frame = createFrame();
    post({ source: WIDGET_SOURCE, type: 'open', open, page: page() });
    layout();
    if (open) frame?.focus();
    else if (changed) launcher.focus();
    if (changed) emit(open ? 'open' : 'close');
  }

  function setUser(u: SiteUser | null): void {
    const next = userOf(u);
    if (JSON.stringify(next) === JSON.stringify(user)) return;
    user = next;
    keptKey = keptVisitorKey(domain, user.eid);
    // The frame starts again as the new visitor (its token is kept per site user).
    if (frame) {
      ready = false;
      frame.src = frameUrl();
    }
  }

  function setLocale(l: string): void {
    siteLocale = text(l);
    post({ source: WIDGET_SOURCE, type: 'locale', locale: siteLocale });
    layout();
  }

  /** The latest message of the organization, beside the launcher while the chat is closed. */
  function showPreview(message: NewMessage): void {
    latest = message;
    const who = document.createElement('strong');
    who.textContent = message.sender_name;
    const line = document.createElement('span');
    line.textContent = message.preview;
    Object.assign(line.style, { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' });
    who.dir = line.dir = 'auto';
    bubbleOpen.replaceChildren(who, line);
    layout();
  }

  function onFrameMessage(e: MessageEvent): void {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    const msg = e.data as FrameMessage;
    if (!msg || msg.source !== WIDGET_SOURCE) return;
    if (msg.type === 'ready') {
      ready = true;
      post({ source: WIDGET_SOURCE, type: 'init', open, kept: load(keptKey), page: page(), locale: siteLocale });
    }
    if (msg.type === 'close' && open) setOpen(false);
    if (msg.type === 'keep') store(keptKey, msg.value);
    if (msg.type === 'message') {
      if (!open) showPreview(msg.message);
      emit('message', msg.message);
    }
    if (msg.type === 'state') {
      store(flagKey, msg.conversation ? '1' : null);
      if (msg.unread !== unread) {
        unread = msg.unread;
        if (!unread) latest = null;
        emit('unread', unread);
      }
      layout();
    }
  }

  function styleParts(color: string): void {
    Object.assign(launcher.style, {
      position: 'fixed', bottom: '20px', zIndex: Z, width: '60px', height: '60px',
      borderRadius: '50%', border: '0', cursor: 'pointer', alignItems: 'center', justifyContent: 'center',
      background: color, color: textOn(color), boxShadow: '0 6px 20px rgba(0,0,0,.25)', padding: '0',
    });
    launcher.setAttribute('data-color', color);
    launcher.setAttribute('data-online', String(profile!.online));
    Object.assign(badge.style, {
      position: 'absolute', top: '-4px', right: '-4px', minWidth: '22px', height: '22px', borderRadius: '11px',
      background: '#b91c1c', color: '#fff', font: '700 12px/22px system-ui, sans-serif', padding: '0 6px',
      alignItems: 'center', justifyContent: 'center',
    });
    badge.setAttribute('aria-hidden', 'true');
    badge.setAttribute('data-unread', '');
    const font = '14px/1.4 system-ui, sans-serif';
    Object.assign(bubble.style, {
      position: 'fixed', bottom: '92px', zIndex: Z, maxWidth: 'min(300px, calc(100vw - 40px))', alignItems: 'flex-start',
      background: '#fff', color: '#16191f', borderRadius: '12px', boxShadow: '0 6px 24px rgba(0,0,0,.2)', font,
    });
    bubble.setAttribute('data-raasel-preview', '');
    bubble.setAttribute('role', 'status');
    const plain = { background: 'none', border: '0', color: 'inherit', font, cursor: 'pointer' };
    Object.assign(bubbleOpen.style, plain, { display: 'flex', flexDirection: 'column', gap: '2px', padding: '10px 0', paddingInline: '14px 4px', minWidth: '0', textAlign: 'start' });
    Object.assign(bubbleClose.style, plain, { padding: '6px 10px', fontSize: '18px', lineHeight: '1' });
    bubbleClose.textContent = '×';
    bubbleOpen.type = bubbleClose.type = 'button';
    bubbleOpen.addEventListener('click', () => setOpen(true));
    bubbleClose.addEventListener('click', () => {
      latest = null;
      layout();
      launcher.focus();
    });
    bubble.append(bubbleOpen, bubbleClose);
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

  function show(p: Profile): void {
    profile = p;
    styleParts(safeColor(p.widget_color));
    launcher.type = 'button';
    launcher.setAttribute('data-raasel-launcher', '');
    launcher.appendChild(chatIcon());
    launcher.appendChild(badge);
    launcher.addEventListener('click', () => setOpen(!open));
    root.append(bubble, launcher);
    document.body.appendChild(host);
    window.addEventListener('message', onFrameMessage);
    phone.addEventListener('change', layout);
    if (load(flagKey) === '1') frame = createFrame();
    layout();
    if (wantOpen) setOpen(true);
  }

  install(window as { Raasel?: unknown }, {
    open: () => setOpen(true),
    close: () => setOpen(false),
    setUser,
    setLocale,
    on: (event, fn) => {
      if (typeof fn === 'function') (listeners[event] ||= []).push(fn);
    },
    off: (event, fn) => {
      listeners[event] = (listeners[event] || []).filter((f) => f !== fn);
    },
  });

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
