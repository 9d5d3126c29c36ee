// Admins set the organization's identity provider (OpenID Connect): issuer, client, the e-mail
// domains allowed, whether unknown users become agents, and whether password sign-in is off but
// for a break-glass admin. The redirect URI to register at the provider is shown to copy; the
// client secret is never shown again. Loaded when opened.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from '../shared/api';
import type { components } from '../shared/types';
import { ConfirmDialog } from './ConfirmDialog';
import { FieldError, type FieldErrors, invalidProps } from './FieldError';
import { useTools } from './tools';
import './webhooks.css';

type SsoSettings = components['schemas']['SsoSettings'];
type Agent = components['schemas']['Agent'];

interface Form {
  issuer: string;
  client_id: string;
  client_secret: string;
  label: string;
  domains: string;
  create_agents: boolean;
  required: boolean;
  break_glass_agent_id: string;
}

const EMPTY: Form = {
  issuer: '',
  client_id: '',
  client_secret: '',
  label: '',
  domains: '',
  create_agents: false,
  required: false,
  break_glass_agent_id: '',
};

function formOf(p: SsoSettings | null | undefined): Form {
  if (!p) return EMPTY;
  return {
    issuer: p.issuer,
    client_id: p.client_id,
    client_secret: '',
    label: p.label,
    domains: p.allowed_domains.join(', '),
    create_agents: p.create_agents,
    required: p.required,
    break_glass_agent_id: p.break_glass_agent_id ?? '',
  };
}

/** The domains typed, split on commas and spaces. */
export function domainsOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}

export function SsoAdmin() {
  const { api, workspace } = useTools();
  const [saved, setSaved] = useState<SsoSettings | null | undefined>(undefined);
  const [redirectUri, setRedirectUri] = useState('');
  const [form, setForm] = useState<Form>(EMPTY);
  const [admins, setAdmins] = useState<Agent[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [removing, setRemoving] = useState(false);

  async function load() {
    try {
      const [sso, team] = await Promise.all([
        api.call('get', '/api/sso'),
        api.call('get', '/api/agents/organization/{organization_id}', {
          path: { organization_id: workspace.me.organization_id },
        }),
      ]);
      setSaved(sso.provider ?? null);
      setRedirectUri(sso.redirect_uri);
      setForm(formOf(sso.provider));
      setAdmins(team.agents.filter((a) => a.role === 'admin'));
    } catch (e) {
      setStatus({ ok: false, text: errorText(e) });
    }
  }

  useEffect(() => {
    void load();
  }, []);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm({ ...form, [key]: value });

  async function save(e: Event) {
    e.preventDefault();
    setStatus(null);
    setErrors({});
    setSaving(true);
    try {
      const answer = await api.call('put', '/api/sso', {
        body: {
          issuer: form.issuer.trim(),
          client_id: form.client_id.trim(),
          client_secret: form.client_secret.trim() || undefined,
          label: form.label.trim() || undefined,
          allowed_domains: domainsOf(form.domains),
          create_agents: form.create_agents,
          required: form.required,
          break_glass_agent_id: form.break_glass_agent_id || undefined,
        },
      });
      setSaved(answer.provider ?? null);
      setForm(formOf(answer.provider));
      setStatus({ ok: true, text: 'Saved. Agents of the allowed domains can sign in with it now.' });
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
      setStatus({ ok: false, text: errorText(err) });
    } finally {
      setSaving(false);
    }
  }

  if (saved === undefined) {
    return (
      <div class="admin sso-admin">
        <h1>Single sign-on</h1>
        <p class={status ? 'error-text' : 'muted'} role="status">
          {status?.text ?? 'Loading…'}
        </p>
      </div>
    );
  }
  return (
    <div class="admin sso-admin">
      <h1>Single sign-on</h1>
      <p class="muted">
        Agents sign in with your identity provider (OpenID Connect: Okta, Entra ID, Google, Keycloak, Authentik…). Register
        this address at the provider as the redirect URI:
      </p>
      <p>
        <code data-redirect-uri="">{redirectUri}</code>
      </p>
      <p class={status?.ok ? 'ok-text' : 'error-text'} role="status">
        {status?.text ?? ''}
      </p>
      <form class="admin-create" aria-label="Identity provider" onSubmit={save} noValidate>
        <label class="field">
          <span>Issuer</span>
          <input
            value={form.issuer}
            placeholder="https://id.example.com"
            onInput={(e) => set('issuer', e.currentTarget.value)}
            {...invalidProps(errors, 'issuer')}
          />
          <FieldError errors={errors} field="issuer" />
        </label>
        <label class="field">
          <span>Client id</span>
          <input value={form.client_id} onInput={(e) => set('client_id', e.currentTarget.value)} {...invalidProps(errors, 'client_id')} />
          <FieldError errors={errors} field="client_id" />
        </label>
        <label class="field">
          <span>Client secret</span>
          <input
            type="password"
            autocomplete="off"
            value={form.client_secret}
            placeholder={saved ? 'Kept (type a new one to replace it)' : ''}
            onInput={(e) => set('client_secret', e.currentTarget.value)}
            {...invalidProps(errors, 'client_secret')}
          />
          <FieldError errors={errors} field="client_secret" />
        </label>
        <label class="field">
          <span>Button label</span>
          <input
            value={form.label}
            maxLength={40}
            placeholder="single sign-on"
            onInput={(e) => set('label', e.currentTarget.value)}
            {...invalidProps(errors, 'label')}
          />
          <small class="muted">The sign-in page says “Sign in with {form.label.trim() || 'single sign-on'}”.</small>
          <FieldError errors={errors} field="label" />
        </label>
        <label class="field">
          <span>Allowed e-mail domains</span>
          <input
            value={form.domains}
            placeholder="example.com, example.org"
            onInput={(e) => set('domains', e.currentTarget.value)}
            {...invalidProps(errors, 'allowed_domains')}
          />
          <FieldError errors={errors} field="allowed_domains" />
        </label>
        <label class="check">
          <input type="checkbox" checked={form.create_agents} onChange={(e) => set('create_agents', e.currentTarget.checked)} />
          <span>Make new users of these domains agents (otherwise only existing agents sign in)</span>
        </label>
        <label class="check">
          <input type="checkbox" checked={form.required} onChange={(e) => set('required', e.currentTarget.checked)} />
          <span>Require single sign-on: password sign-in off, but for the break-glass admin</span>
        </label>
        <label class="field">
          <span>Break-glass admin (may still sign in with a password)</span>
          <select
            value={form.break_glass_agent_id}
            onChange={(e) => set('break_glass_agent_id', e.currentTarget.value)}
            {...invalidProps(errors, 'break_glass_agent_id')}
          >
            <option value="">Nobody</option>
            {admins.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.email})
              </option>
            ))}
          </select>
          <FieldError errors={errors} field="break_glass_agent_id" />
        </label>
        <div class="row-actions">
          <button type="submit" class="btn btn-primary" disabled={saving}>
            {saving ? 'Checking the provider…' : 'Save'}
          </button>
          {saved && (
            <button type="button" class="btn btn-danger" onClick={() => setRemoving(true)}>
              Remove single sign-on
            </button>
          )}
        </div>
      </form>
      {removing && (
        <ConfirmDialog
          title="Remove single sign-on?"
          confirmLabel="Remove"
          onCancel={() => setRemoving(false)}
          onConfirm={async () => {
            setRemoving(false);
            try {
              await api.call('delete', '/api/sso');
              setStatus({ ok: true, text: 'Removed. Agents sign in with their passwords.' });
              await load();
            } catch (e) {
              setStatus({ ok: false, text: errorText(e) });
            }
          }}
        >
          <p>Agents then sign in with their passwords; an admin sets one for agents who came through single sign-on.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
