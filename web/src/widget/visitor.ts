// The visitor's identity, kept so the visitor keeps their conversation across page loads of the
// site: in the chat window's own localStorage (per organization and site user), or, when the
// browser blocks storage in third-party frames, by the loader in the host page's localStorage.

import type { Api } from '../shared/api';
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

/** The frame's own localStorage, or null when the browser blocks it here. */
export function frameStore(params: WidgetParams): VisitorStore | null {
  const key = visitorKey(params.domain, params.externalId);
  try {
    localStorage.setItem(`${key}.probe`, '1');
    localStorage.removeItem(`${key}.probe`);
  } catch {
    return null;
  }
  return {
    load: () => parse(localStorage.getItem(key)),
    save: (v) => (v ? localStorage.setItem(key, JSON.stringify(v)) : localStorage.removeItem(key)),
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
