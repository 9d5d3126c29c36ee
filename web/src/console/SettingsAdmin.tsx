// Admins edit the organization (name, domain, widget colour, messages, capacity, identity
// secret) and copy the widget's embed snippet.

import { useState } from 'preact/hooks';
import { type Api, errorText } from '../shared/api';
import type { OrganizationDetail } from '../shared/types';
import { IDENTITY_SECRET_MIN, generateIdentitySecret } from './secret';
import type { Workspace } from './workspace';

interface Form {
  name: string;
  domain: string;
  widget_color: string;
  welcome_message: string;
  offline_message: string;
  max_concurrent_sessions: string;
  widget_identity_secret: string;
}

function formOf(org: OrganizationDetail): Form {
  const s = org.settings;
  return {
    name: org.name,
    domain: org.domain,
    widget_color: s?.widget_color ?? org.widget_color,
    welcome_message: s?.welcome_message ?? org.welcome_message,
    offline_message: s?.offline_message ?? org.offline_message,
    max_concurrent_sessions: String(s?.max_concurrent_sessions ?? 5),
    widget_identity_secret: s?.widget_identity_secret ?? '',
  };
}

export function SettingsAdmin({ api, workspace }: { api: Api; workspace: Workspace }) {
  const org = workspace.org;
  if (!org) return <p aria-busy="true">Loading…</p>;
  return (
    <div class="admin">
      <h1>Organization settings</h1>
      <SettingsForm key={org.id} api={api} workspace={workspace} org={org} />
      <EmbedSnippet domain={org.domain} />
    </div>
  );
}

function SettingsForm({ api, workspace, org }: { api: Api; workspace: Workspace; org: OrganizationDetail }) {
  const [form, setForm] = useState(() => formOf(org));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const set = (key: keyof Form) => (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  async function save(e: Event) {
    e.preventDefault();
    setStatus(null);
    try {
      const { organization } = await api.updateOrganization(org.id, {
        name: form.name,
        domain: form.domain,
        settings: {
          widget_color: form.widget_color,
          welcome_message: form.welcome_message,
          offline_message: form.offline_message,
          max_concurrent_sessions: Number(form.max_concurrent_sessions),
          widget_identity_secret: form.widget_identity_secret,
        },
      });
      workspace.setOrganization(organization);
      setStatus({ ok: true, text: 'Saved.' });
    } catch (err) {
      setStatus({ ok: false, text: errorText(err) });
    }
  }

  return (
    <form class="settings-form" onSubmit={save} aria-label="Organization settings">
      <div class="form-grid">
        <label class="field">
          <span>Name</span>
          <input name="name" value={form.name} onInput={set('name')} required />
        </label>
        <label class="field">
          <span>Domain</span>
          <input name="domain" value={form.domain} onInput={set('domain')} required />
          <small>The directory key, and what the widget's data-organization names.</small>
        </label>
        <div class="field">
          <span id="color-label">Widget colour</span>
          <div class="color-row">
            <input type="color" aria-labelledby="color-label" value={form.widget_color} onInput={set('widget_color')} />
            <input
              name="widget_color"
              aria-label="Widget colour (hex)"
              value={form.widget_color}
              onInput={set('widget_color')}
              pattern="#[0-9a-fA-F]{6}"
            />
          </div>
        </div>
        <label class="field">
          <span>Capacity per agent</span>
          <input type="number" name="max_concurrent_sessions" min={1} max={100} value={form.max_concurrent_sessions} onInput={set('max_concurrent_sessions')} />
          <small>Conversations at once, unless an agent has their own.</small>
        </label>
      </div>
      <label class="field">
        <span>Welcome message</span>
        <textarea name="welcome_message" rows={2} value={form.welcome_message} onInput={set('welcome_message')} />
      </label>
      <label class="field">
        <span>Offline message</span>
        <textarea name="offline_message" rows={2} value={form.offline_message} onInput={set('offline_message')} />
        <small>Shown to customers when no agent is online.</small>
      </label>
      <div class="field">
        <label for="identity-secret">
          <span class="label-strong">Identity secret</span>
        </label>
        <div class="color-row">
          <input
            id="identity-secret"
            name="widget_identity_secret"
            value={form.widget_identity_secret}
            onInput={set('widget_identity_secret')}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="identity-secret-help"
          />
          <button type="button" class="btn" onClick={() => setForm({ ...form, widget_identity_secret: generateIdentitySecret() })}>
            Generate
          </button>
        </div>
        <small id="identity-secret-help">
          At least {IDENTITY_SECRET_MIN} characters (at most 256), no spaces; Generate makes 64 random hex digits.
          With a secret, a visitor presenting data-external-id must also present data-identity-hash =
          hex(HMAC-SHA256(secret, external id)), computed by your server. Leave empty to turn it off.
        </small>
      </div>
      {status && (
        <p class={status.ok ? 'ok-text' : 'error-text'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
      <button type="submit" class="btn btn-primary">
        Save settings
      </button>
    </form>
  );
}

function EmbedSnippet({ domain }: { domain: string }) {
  const snippet = `<script src="${location.origin}/widget.js" data-organization="${domain}" async></script>`;
  const [copied, setCopied] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopied('Copied to the clipboard.');
    } catch {
      const area = document.getElementById('embed-snippet') as HTMLTextAreaElement | null;
      area?.select();
      setCopied(document.execCommand('copy') ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C to copy.');
    }
  }

  return (
    <section class="embed" aria-labelledby="embed-title">
      <h2 id="embed-title">Widget embed snippet</h2>
      <p class="muted">Paste this into every page of your website, before &lt;/body&gt;.</p>
      <label class="sr-only" for="embed-snippet">
        Embed snippet
      </label>
      <textarea id="embed-snippet" class="snippet" readOnly rows={3} value={snippet} />
      <div class="row-actions">
        <button type="button" class="btn btn-primary" onClick={() => void copy()}>
          Copy snippet
        </button>
        <span role="status" class="muted">
          {copied}
        </span>
      </div>
      <p class="muted small">
        For signed-in users of your site, add data-external-id="USER ID" and data-identity-hash="HASH" so they keep one
        history across devices.
      </p>
    </section>
  );
}
