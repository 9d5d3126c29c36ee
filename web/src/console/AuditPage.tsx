// The organization's audit log for admins: who did what, when and from where, newest first,
// filtered by action, a page at a time. Loaded when first opened.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import type { components } from '../shared/types';
import { useTools } from './tools';
import './reports.css';

type Entry = components['schemas']['AuditEntry'];

const ACTIONS: [string, string][] = [
  ['', 'Every action'],
  ['agent.login', 'Sign-ins'],
  ['agent.login_failed', 'Failed sign-ins'],
  ['agent.created', 'Agents added'],
  ['agent.updated', 'Agents changed'],
  ['agent.deleted', 'Agents removed'],
  ['agent.password_changed', 'Passwords changed'],
  ['settings.updated', 'Settings changed'],
  ['webhook.created', 'Webhooks added'],
  ['webhook.updated', 'Webhooks changed'],
  ['webhook.deleted', 'Webhooks deleted'],
];

const PAGE = 50;

/** What changed, in one line. */
function detailText(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function AuditPage() {
  const { api } = useTools();
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');

  async function load(before?: string) {
    setError('');
    try {
      const query = { limit: PAGE, ...(action ? { action } : {}), ...(before ? { before } : {}) };
      const page = (await api.call('get', '/api/audit', { query })).entries;
      setEntries(before ? [...entries, ...page] : page);
      setMore(page.length === PAGE);
    } catch (e) {
      setError(errorText(e));
    }
  }

  useEffect(() => {
    void load();
  }, [action]);

  return (
    <div class="admin audit-page">
      <h1>Audit log</h1>
      <p class="muted">Security and administrative actions in this organization, kept for a year. Nothing here can be changed.</p>
      <label class="field">
        <span>Show</span>
        <select value={action} onChange={(e) => setAction(e.currentTarget.value)}>
          {ACTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      {entries.length === 0 ? (
        <p class="muted">Nothing recorded.</p>
      ) : (
        <table class="report-table audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Details</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-audit-action={e.action}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{e.actor_name}</td>
                <td>{e.action}</td>
                <td class="audit-details">{detailText(e.details)}</td>
                <td>{e.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" class="btn" onClick={() => void load(entries[entries.length - 1]?.at)}>
          Older entries
        </button>
      )}
    </div>
  );
}
