// The visitor's identity, kept so the visitor keeps their conversation across page loads of the
// site: in the chat window's own localStorage (per embedding origin, organization and site user),
// or, when the browser blocks storage in third-party frames, by the loader in the host page's
// localStorage. Keyed by the embedding origin because the frame's storage is shared by every
// page that frames it on the same site (http://127.0.0.1:8080 and http://127.0.0.1:9090 alike):
// a page that names its own origin truthfully passes the embedder check, and must not get the
// visitor who chatted on another origin's page.

import { Api } from '../shared/api';
import type { Client } from '../shared/types';
import { visitorKey } from '../shared/widget-protocol';
import { type ParentOrigin, tellLoader } from './bridge';
import type { WidgetParams } from './params';

export interface Visitor {
  token: string;
  client: Client;
}

export interface VisitorStore {
  load(): Visitor | null;
  save(visitor: Visitor | null): void;
}

function parse(raw: string | null): Visitor | null {
  try {
    const v = raw ? (JSON.parse(raw) as Visitor) : null;
    return v?.token ? v : null;
  } catch {
    return null;
  }
}

/** The frame's key before it was per embedding origin: never read (any embedder would get it). */
function formerKey(domain: string, externalId: string): string {
  return `raasel.visitor.${domain}.${externalId}`;
}

/**
 * The frame's own localStorage for the visitor of this embedding origin (the verified parent, or
 * Raasel's own origin when the window is opened on its own), or null when the browser blocks it
 * here. Drops a token left under the former key, which no embedder may read any more.
 */
export function frameStore(params: WidgetParams, embedder: string, storage: () => Storage = () => localStorage): VisitorStore | null {
  const key = visitorKey(params.domain, params.externalId, embedder);
  let s: Storage;
  try {
    s = storage();
    s.setItem(`${key}.probe`, '1');
    s.removeItem(`${key}.probe`);
    s.removeItem(formerKey(params.domain, params.externalId));
  } catch {
    return null;
  }
  return {
    load: () => parse(s.getItem(key)),
    save: (v) => (v ? s.setItem(key, JSON.stringify(v)) : s.removeItem(key)),
  };
}

/** Kept by the loader on the host page (handed over at start, updated by message). */
export function loaderStore(parentOrigin: ParentOrigin, kept: string | null): VisitorStore {
  let current = parse(kept);
  return {
    load: () => current,
    save: (v) => {
      current = v;
      tellLoader(parentOrigin, { type: 'keep', value: v ? JSON.stringify(v) : null });
    },
  };
}

/**
 * Where this window keeps its visitor: its own storage when the browser allows it, else the
 * loader's copy. `kept` is what the loader handed over at start (null when there is no loader or
 * it stayed silent); it is awaited only when the frame has no visitor of its own for this
 * embedder. A kept visitor then moves into the frame's storage, so a site whose loader kept a
 * copy (per host origin already) keeps its visitor when the frame's keys change.
 */
export async function openVisitorStore(own: VisitorStore | null, parentOrigin: ParentOrigin, kept: Promise<string | null>): Promise<VisitorStore> {
  if (!own) return loaderStore(parentOrigin, await kept);
  if (!own.load()) {
    const handed = parse(await kept);
    if (handed && !own.load()) own.save(handed);
  }
  return own;
}

/** The stored visitor, or a new one (verified when the page gave an external id and its hash). */
export async function ensureVisitor(api: Api, params: WidgetParams, store: VisitorStore): Promise<Visitor> {
  const known = store.load();
  if (known) return known;
  const body: Parameters<Api['createVisitor']>[0] = { domain: params.domain };
  if (params.name) body.name = params.name;
  if (params.email) body.email = params.email;
  if (params.externalId && params.identityHash) {
    body.external_id = params.externalId;
    body.identity_hash = params.identityHash;
  }
  const visitor = await api.createVisitor(body);
  store.save(visitor);
  return visitor;
}

/**
 * The visitor a link in an e-mail signs in (its token is theirs, kept like any visitor's), and
 * the conversation it opens. A link of an app customer carries no visitor: the window's own
 * visitor stays.
 */
export async function redeemLink(api: Api, link: string, params: WidgetParams, store: VisitorStore): Promise<{ visitor: Visitor; sessionId: string }> {
  const redeemed = await api.call('post', '/api/email-links/redeem', { body: { token: link } });
  if (!redeemed.token) return { visitor: await ensureVisitor(api, params, store), sessionId: redeemed.session_id };
  const { client } = await new Api('', redeemed.token).me();
  const visitor = { token: redeemed.token, client };
  store.save(visitor);
  return { visitor, sessionId: redeemed.session_id };
}
