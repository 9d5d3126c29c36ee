// Admins send the organization's events to other systems: add an endpoint (its address and the
// events it wants; the signing secret is shown once, here), pause or resume it, delete it, and
// read each endpoint's latest deliveries, sending one again. An endpoint the server paused after
// failing again and again shows at once (`webhook_paused`). Loaded when first opened.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from '../shared/api';
import type { components } from '../shared/types';
import { ConfirmDialog } from './ConfirmDialog';
import { useTools } from './tools';
import './webhooks.css';

type Endpoint = components['schemas']['Endpoint'];
type Delivery = components['schemas']['Delivery'];
type WebhookEvent = components['schemas']['WebhookEvent'];

const EVENTS: { event: WebhookEvent; label: string }[] = [
  { event: 'conversation.created', label: 'A conversation starts' },
  { event: 'conversation.assigned', label: 'A conversation is assigned' },
  { event: 'conversation.transferred', label: 'A conversation is transferred' },
  { event: 'conversation.closed', label: 'A conversation is closed' },
  { event: 'conversation.reopened', label: 'A conversation is reopened' },
  { event: 'message.created', label: 'A message or private note is written' },
  { event: 'rating.submitted', label: 'A customer rates a conversation' },
  { event: 'customer.updated', label: 'A customer’s details change' },
];

type Status = { ok: boolean; text: string } | null;

export function WebhooksAdmin() {
  const { api, port } = useTools();
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);

  async function load() {
    try {
      setEndpoints((await api.call('get', '/api/webhooks')).webhooks);
    } catch (e) {
      setStatus({ ok: false, text: errorText(e) });
    }
  }

  useEffect(() => {
    void load();
    const paused = (e: { webhook: Endpoint }) => {
      setStatus({ ok: false, text: `Paused ${e.webhook.url}: it failed 10 times in a row.` });
      void load();
    };
    port.on('webhook_paused', paused);
    return () => port.off('webhook_paused', paused);
  }, []);

  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setStatus(null);
    try {
      await action();
      setStatus({ ok: true, text: done });
      await load();
      return true;
    } catch (e) {
      setStatus({ ok: false, text: errorText(e) });
      return false;
    }
  }

  return (
    <div class="admin webhooks-admin">
      <h1>Webhooks</h1>
      <p class="muted">
        Raasel posts the events you choose to your endpoints, signed with the endpoint’s secret (see docs/webhooks.md). Failed deliveries are
        retried for a day; an endpoint failing 10 times in a row is paused. At most 20 endpoints.
      </p>
      <p class={status?.ok ? 'ok-text' : 'error-text'} role="status">
        {status?.text ?? ''}
      </p>
      {secret && (
        <div class="webhook-secret" role="region" aria-label="New endpoint's secret">
          <p>
            The secret of <strong>{secret.url}</strong>, shown this once: keep it where your receiver can check signatures.
          </p>
          <code data-webhook-secret="">{secret.secret}</code>
          <button type="button" class="btn btn-small" onClick={() => setSecret(null)}>
            I kept it
          </button>
        </div>
      )}
      {endpoints === null ? (
        <p class="muted">Loading…</p>
      ) : endpoints.length === 0 ? (
        <p class="muted">No endpoints yet.</p>
      ) : (
        <ul class="admin-list">
          {endpoints.map((e) => (
            <EndpointRow key={e.id} endpoint={e} run={run} />
          ))}
        </ul>
      )}
      <NewEndpoint
        onCreated={async (url, events) => {
          setStatus(null);
          try {
            const created = await api.call('post', '/api/webhooks', { body: { url, events } });
            setSecret({ url, secret: created.secret });
            setStatus({ ok: true, text: `Added ${url}.` });
            await load();
            return true;
          } catch (e) {
            const field = e instanceof ApiError ? Object.values(e.fields)[0] : undefined;
            setStatus({ ok: false, text: field ? `${errorText(e)}: ${field}` : errorText(e) });
            return false;
          }
        }}
      />
    </div>
  );
}

type Run = (action: () => Promise<unknown>, done: string) => Promise<boolean>;

function EndpointRow({ endpoint, run }: { endpoint: Endpoint; run: Run }) {
  const { api } = useTools();
  const [confirming, setConfirming] = useState(false);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const id = endpoint.id;
  const showDeliveries = async () => setDeliveries((await api.call('get', '/api/webhooks/{id}/deliveries', { path: { id } })).deliveries);
  return (
    <li class="admin-row webhook-row" data-webhook={endpoint.url}>
      <div class="webhook-main">
        <div class="webhook-url">{endpoint.url}</div>
        <div class="muted small">{endpoint.events.join(', ')}</div>
        <div class="small" data-webhook-state={endpoint.paused ? 'paused' : 'active'}>
          {endpoint.paused ? (
            <span class="error-text">Paused{endpoint.failures > 0 ? ` after ${endpoint.failures} failures in a row` : ''}</span>
          ) : endpoint.failures > 0 ? (
            <span class="error-text">{endpoint.failures} failures in a row</span>
          ) : (
            <span class="ok-text">Active</span>
          )}
        </div>
        {deliveries && <DeliveryList deliveries={deliveries} run={run} refresh={showDeliveries} />}
      </div>
      <div class="row-actions">
        <button type="button" class="btn" onClick={() => void showDeliveries()}>
          {deliveries ? 'Refresh deliveries' : 'Deliveries'}
        </button>
        <button
          type="button"
          class="btn"
          onClick={() =>
            void run(
              () => api.call('put', '/api/webhooks/{id}', { path: { id }, body: { paused: !endpoint.paused } }),
              endpoint.paused ? `Resumed ${endpoint.url}.` : `Paused ${endpoint.url}.`,
            )
          }
        >
          {endpoint.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>
          Delete
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete the endpoint ${endpoint.url}?`}
          confirmLabel="Delete endpoint"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run(() => api.call('delete', '/api/webhooks/{id}', { path: { id } }), `Deleted ${endpoint.url}.`);
          }}
        >
          <p>Its pending deliveries are dropped. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

function DeliveryList({ deliveries, run, refresh }: { deliveries: Delivery[]; run: Run; refresh: () => Promise<void> }) {
  const { api } = useTools();
  if (deliveries.length === 0) return <p class="muted small">No deliveries yet.</p>;
  return (
    <table class="webhook-deliveries">
      <caption class="sr-only">Latest deliveries</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">When</th>
          <th scope="col">State</th>
          <th scope="col">Answer</th>
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} data-delivery-state={d.state}>
            <td>{d.event}</td>
            <td>{new Date(d.created_at).toLocaleString()}</td>
            <td>
              {d.state}
              {d.attempts > 1 ? ` (${d.attempts} attempts)` : ''}
            </td>
            <td title={d.last_error ?? undefined}>{d.last_status ?? (d.last_error ? 'no answer' : '—')}</td>
            <td>
              <button
                type="button"
                class="btn btn-small"
                onClick={async () => {
                  if (await run(() => api.call('post', '/api/webhooks/deliveries/{id}/redeliver', { path: { id: d.id } }), `Sent ${d.event} again.`)) {
                    await refresh();
                  }
                }}
              >
                Send again
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (url: string, events: WebhookEvent[]) => Promise<boolean> }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['conversation.created', 'message.created']);
  const toggle = (e: WebhookEvent, on: boolean) => setEvents(on ? [...events, e] : events.filter((x) => x !== e));
  return (
    <form
      class="admin-create"
      aria-labelledby="new-webhook-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onCreated(url.trim(), events)) setUrl('');
      }}
    >
      <h2 id="new-webhook-title">New endpoint</h2>
      <label class="field">
        <span>URL</span>
        <input type="url" value={url} required maxLength={2000} placeholder="https://example.com/raasel" onInput={(e) => setUrl(e.currentTarget.value)} />
      </label>
      <fieldset class="webhook-events">
        <legend>Events</legend>
        <ul>
          {EVENTS.map(({ event, label }) => (
            <li key={event}>
              <label class="check">
                <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.currentTarget.checked)} />
                <span>{label}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <button type="submit" class="btn btn-primary" disabled={events.length === 0}>
        Add endpoint
      </button>
    </form>
  );
}
