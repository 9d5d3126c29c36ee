// Admins make API tokens for scripts and integrations: a name and scopes; the token itself is
// shown once, here; each token's last use; revoking one stops it at once. Loaded when opened.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import type { components } from '../shared/types';
import { ConfirmDialog } from './ConfirmDialog';
import { useTools } from './tools';
import './webhooks.css';

type ApiToken = components['schemas']['ApiToken'];
type Scope = components['schemas']['Scope'];

const SCOPES: { scope: Scope; label: string }[] = [
  { scope: 'read_conversations', label: 'Read conversations, customers and search' },
  { scope: 'write_messages', label: 'Write messages and notes' },
  { scope: 'manage_agents', label: 'Manage agents' },
  { scope: 'manage_settings', label: 'Manage settings, teams, labels and webhooks' },
  { scope: 'read_reports', label: 'Read reports' },
];

export function TokensAdmin() {
  const { api } = useTools();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read_conversations']);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  async function load() {
    try {
      setTokens((await api.call('get', '/api/api-tokens')).tokens);
    } catch (e) {
      setStatus({ ok: false, text: errorText(e) });
    }
  }

  useEffect(() => {
    void load();
  }, []);

  async function create(e: Event) {
    e.preventDefault();
    setStatus(null);
    try {
      const made = await api.call('post', '/api/api-tokens', { body: { name: name.trim(), scopes } });
      setShown({ name: made.token.name, secret: made.secret });
      setStatus({ ok: true, text: `Made ${made.token.name}.` });
      setName('');
      await load();
    } catch (err) {
      setStatus({ ok: false, text: errorText(err) });
    }
  }

  const toggle = (s: Scope, on: boolean) => setScopes(on ? [...scopes, s] : scopes.filter((x) => x !== s));
  return (
    <div class="admin tokens-admin">
      <h1>API tokens</h1>
      <p class="muted">
        A token lets a script or an integration use the API as this organization, limited to its scopes. Send it as
        “Authorization: Bearer …”. What it does is shown under its name. At most 20.
      </p>
      <p class={status?.ok ? 'ok-text' : 'error-text'} role="status">
        {status?.text ?? ''}
      </p>
      {shown && (
        <div class="webhook-secret" role="region" aria-label="New token">
          <p>
            The token <strong>{shown.name}</strong>, shown this once:
          </p>
          <code data-api-token="">{shown.secret}</code>
          <button type="button" class="btn btn-small" onClick={() => setShown(null)}>
            I kept it
          </button>
        </div>
      )}
      {tokens === null ? (
        <p class="muted">Loading…</p>
      ) : tokens.length === 0 ? (
        <p class="muted">No tokens yet.</p>
      ) : (
        <ul class="admin-list">
          {tokens.map((t) => (
            <li key={t.id} class="admin-row webhook-row" data-token={t.name}>
              <div class="webhook-main">
                <div class="webhook-url">{t.name}</div>
                <div class="muted small">{t.scopes.join(', ')}</div>
                <div class="small" data-last-used="">
                  {t.last_used_at ? `Last used ${new Date(t.last_used_at).toLocaleString()}` : 'Never used'}
                </div>
              </div>
              <div class="row-actions">
                <button type="button" class="btn btn-danger" onClick={() => setRevoking(t)}>
                  Revoke
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <form class="admin-create" aria-labelledby="new-token-title" onSubmit={create}>
        <h2 id="new-token-title">New token</h2>
        <label class="field">
          <span>Name</span>
          <input value={name} required maxLength={60} placeholder="CRM sync" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <fieldset class="webhook-events">
          <legend>Scopes</legend>
          <ul>
            {SCOPES.map(({ scope, label }) => (
              <li key={scope}>
                <label class="check">
                  <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.currentTarget.checked)} />
                  <span>{label}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" class="btn btn-primary" disabled={scopes.length === 0}>
          Make token
        </button>
      </form>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          confirmLabel="Revoke token"
          onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            const t = revoking;
            setRevoking(null);
            try {
              await api.call('delete', '/api/api-tokens/{id}', { path: { id: t.id } });
              setStatus({ ok: true, text: `Revoked ${t.name}.` });
              await load();
            } catch (e) {
              setStatus({ ok: false, text: errorText(e) });
            }
          }}
        >
          <p>Anything using it stops working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
