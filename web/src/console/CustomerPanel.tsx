// The customer beside the conversation: who they are (name, e-mail, verified or registered, the
// site's custom attributes, all editable by agents), what the widget saw when this conversation
// started, and their earlier conversations with the organization, each one click away.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { shortWhen } from '../shared/format';
import { useObservable } from '../shared/hooks';
import type { ConsoleSession, ContactView, Session, VisitContext } from '../shared/types';
import { ConfirmDialog } from './ConfirmDialog';
import { ContactForm } from './ContactForm';
import { type AttributeValue, attributeText } from './contact-attributes';
import { href } from './route';
import { useTools } from './tools';

export function CustomerPanel({ sessionId }: { sessionId: string }) {
  const tools = useTools();
  useObservable(tools.workspace);
  const session = tools.workspace.sessions.get(sessionId);
  return (
    <aside id="customer-panel" class="customer-panel" aria-labelledby="customer-panel-title">
      <div class="panel-header">
        <h2 id="customer-panel-title" class="section-title">
          Customer
        </h2>
        <button type="button" class="btn btn-small" onClick={() => tools.setPanelOpen(false)} aria-label="Hide customer details">
          ×
        </button>
      </div>
      {session ? <PanelBody key={session.client_id} session={session} /> : <p class="muted small" aria-busy="true">Loading…</p>}
    </aside>
  );
}

function PanelBody({ session }: { session: ConsoleSession }) {
  const tools = useTools();
  const [view, setView] = useState<ContactView | null>(null);
  const [context, setContext] = useState<VisitContext | null>(null);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState(false);

  const load = () =>
    tools.api.call('get', '/api/contacts/{id}', { path: { id: session.client_id } }).then(setView, (e) => setError(errorText(e)));
  // The customer's details change when a teammate edits them (the conversation is updated too).
  useEffect(() => {
    void load();
  }, [session.client_id, session.client_name, session.client_email, session.status]);

  useEffect(() => {
    setContext(null);
    tools.api.call('get', '/api/sessions/{id}/context', { path: { id: session.id } }).then(
      ({ context }) => setContext(context),
      () => setContext({}),
    );
  }, [session.id]);

  if (error) {
    return (
      <p class="error-text small" role="alert">
        {error}
      </p>
    );
  }
  if (!view) return <p class="muted small" aria-busy="true">Loading…</p>;
  const { contact } = view;
  return (
    <div class="panel-body">
      {editing ? (
        <ContactForm
          contact={contact}
          onSaved={(next) => {
            setView(next);
            setEditing(false);
            for (const s of next.sessions) if (tools.workspace.sessions.has(s.id)) tools.workspace.applySessionUpdate(s);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <section class="panel-section" aria-label="Profile">
          <p class="contact-name">
            <strong data-contact-name="">{contact.name}</strong>
            {contact.verified && (
              <span class="verified-badge" title="The site vouched for this visitor's identity">
                ✓ Verified
              </span>
            )}
          </p>
          <p class="muted small">{contact.registered ? 'Customer app account' : 'Website visitor'}</p>
          <p class="small">{contact.email ?? <span class="muted">No e-mail address</span>}</p>
          <Attributes attributes={contact.attributes as Record<string, AttributeValue>} />
          <button type="button" class="btn btn-small" onClick={() => setEditing(true)}>
            Edit details
          </button>
        </section>
      )}
      <VisitDetails context={context} />
      <EarlierConversations sessions={view.sessions} current={session.id} />
      {tools.workspace.isAdmin && <CustomerData clientId={session.client_id} onErased={() => void load()} />}
    </div>
  );
}

/** Admins: everything held about the customer as a file, or erased everywhere. */
function CustomerData({ clientId, onErased }: { clientId: string; onErased: () => void }) {
  const tools = useTools();
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState('');
  async function download() {
    setStatus('');
    try {
      const data = await tools.api.call('get', '/api/contacts/{id}/export', { path: { id: clientId } });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      link.download = `customer-${clientId}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
      setStatus('Exported.');
    } catch (e) {
      setStatus(errorText(e));
    }
  }
  return (
    <section class="panel-section" aria-labelledby="data-title">
      <h3 id="data-title" class="label-strong">
        Customer data
      </h3>
      <div class="row-actions">
        <button type="button" class="btn btn-small" onClick={() => void download()}>
          Export data
        </button>
        <button type="button" class="btn btn-small btn-danger" onClick={() => setConfirming(true)}>
          Erase customer
        </button>
      </div>
      <p class="muted small" role="status" data-customer-data-status="">
        {status}
      </p>
      {confirming && (
        <ConfirmDialog
          title="Erase this customer?"
          confirmLabel="Erase everywhere"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            try {
              await tools.api.call('delete', '/api/contacts/{id}', { path: { id: clientId } });
              setStatus('Erased.');
              onErased();
            } catch (e) {
              setStatus(errorText(e));
            }
          }}
        >
          <p>
            Their messages, details, e-mails and rating comments are deleted everywhere; their conversations stay as “Deleted customer” so
            reports still add up. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Attributes({ attributes }: { attributes: Record<string, AttributeValue> }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <dl class="facts" aria-label="Attributes">
      {entries.map(([key, value]) => (
        <div key={key} class="fact" data-attribute={key}>
          <dt>{key}</dt>
          <dd>{attributeText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function VisitDetails({ context }: { context: VisitContext | null }) {
  const facts: [string, ComponentChildren][] = [];
  if (context?.page_url || context?.page_title) facts.push(['Page', <PageLink url={context.page_url} title={context.page_title} />]);
  if (context?.referrer) facts.push(['Came from', <PageLink url={context.referrer} />]);
  if (context?.browser || context?.os) facts.push(['Browser', [context.browser, context.os].filter(Boolean).join(' on ')]);
  if (context?.language) facts.push(['Language', context.language]);
  if (context?.time_zone) facts.push(['Time zone', zoneText(context.time_zone)]);
  if (context?.ip) facts.push(['IP address', context.ip]);
  return (
    <section class="panel-section" aria-labelledby="visit-title">
      <h3 id="visit-title" class="panel-subtitle">
        When this conversation started
      </h3>
      {!context ? (
        <p class="muted small" aria-busy="true">
          Loading…
        </p>
      ) : facts.length === 0 ? (
        <p class="muted small">Nothing was captured (the conversation did not start in the widget or the app).</p>
      ) : (
        <dl class="facts" data-visit="">
          {facts.map(([name, value]) => (
            <div key={name} class="fact">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** A page the visitor saw: a link that opens in a new tab (web addresses only), titled when known. */
function PageLink({ url, title }: { url?: string | null; title?: string | null }) {
  const web = url && /^https?:\/\//i.test(url) ? url : null;
  return (
    <>
      {web ? (
        <a href={web} target="_blank" rel="noopener noreferrer" data-page-url={web}>
          {title || web}
        </a>
      ) : (
        <span>{title || url}</span>
      )}
      {web && title && <span class="fact-detail">{web}</span>}
    </>
  );
}

/** "Europe/Berlin (now 14:05 there)": the customer's local time helps when answering. */
function zoneText(zone: string): string {
  try {
    const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone: zone });
    return `${zone} (now ${time} there)`;
  } catch {
    return zone;
  }
}

function EarlierConversations({ sessions, current }: { sessions: Session[]; current: string }) {
  const tools = useTools();
  const others = sessions.filter((s) => s.id !== current);
  return (
    <section class="panel-section" aria-labelledby="earlier-title">
      <h3 id="earlier-title" class="panel-subtitle">
        Earlier conversations
      </h3>
      {others.length === 0 ? (
        <p class="muted small">None: this is their first conversation.</p>
      ) : (
        <ul class="earlier-list">
          {others.map((s) => (
            <li key={s.id}>
              <a href={href(tools.viewFor(s), s.id)} class="earlier-item" data-earlier={s.id}>
                <span class="earlier-title">{s.subject || `Started ${shortWhen(s.created_at)}`}</span>
                <span class="muted small">
                  {statusText(s)}
                  {s.agent_id && ` · with ${tools.workspace.agentName(s.agent_id) ?? 'a teammate'}`}
                  {s.subject && ` · started ${shortWhen(s.created_at)}`}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function statusText(s: Session): string {
  if (s.status === 'closed') return 'Closed';
  if (s.status === 'waiting') return 'Waiting';
  return 'Open';
}
