// The signed-in customer, kept in localStorage so a reload stays signed in.

import type { Client } from '../shared/types';
import { loadJson, save } from '../shared/storage';

const KEY = 'raasel.customer';

export interface Account {
  token: string;
  client: Client;
}

export function loadAccount(): Account | null {
  return loadJson<Account>(KEY);
}

export function saveAccount(account: Account | null): void {
  save(KEY, account ? JSON.stringify(account) : null);
}

export function displayName(client: Client): string {
  return client.username ?? client.name ?? client.email ?? 'you';
}
