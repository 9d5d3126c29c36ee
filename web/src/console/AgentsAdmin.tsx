// Admins manage the team: create agents, change roles and capacity, reset an agent's second
// factor, see an agent's devices and sign them out, delete agents. The devices' code loads when
// first opened.

import { useState } from 'preact/hooks';
import { type Api, errorText } from '../shared/api';
import { useObservable } from '../shared/hooks';
import type { Agent, Role } from '../shared/types';
import { lazy } from './Lazy';
import { type Outcome, ResetSecondFactor } from './ResetSecondFactor';
import { ToolDialog } from './ToolDialog';
import type { Workspace } from './workspace';

const Devices = lazy(() => import('./Devices').then((m) => m.Devices));

const ROLES: Role[] = ['agent', 'supervisor', 'admin'];
/** The capacity an agent may be given (the API's bounds). */
const CAPACITY = { min: 1, max: 100 };

function roleOf(value: string): Role {
  return ROLES.find((r) => r === value) ?? 'agent';
}

export function AgentsAdmin({ api, workspace }: { api: Api; workspace: Workspace }) {
  useObservable(workspace);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const orgCapacity = workspace.org?.settings?.max_concurrent_sessions ?? 5;

  async function reload() {
    await workspace.reloadAgents();
  }

  async function run(action: () => Promise<unknown>) {
    setError('');
    setNotice('');
    try {
      await action();
      await reload();
    } catch (e) {
      setError(errorText(e));
    }
  }

  function tell({ ok, text }: Outcome) {
    setError(ok ? '' : text);
    setNotice(ok ? text : '');
  }

  return (
    <div class="admin">
      <h1>Agents</h1>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      <p class="ok-text" role="status">
        {notice}
      </p>
      <div class="table-wrap">
        <table class="agents-table">
          <caption class="sr-only">Agents of the organization</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Capacity</th>
              <th scope="col">Now</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {workspace.agents.map((a) => (
              <AgentRow key={a.id} agent={a} isMe={a.id === workspace.me.id} orgCapacity={orgCapacity} api={api} run={run} tell={tell} />
            ))}
          </tbody>
        </table>
      </div>
      <CreateAgent api={api} run={run} />
    </div>
  );
}

interface RowProps {
  agent: Agent;
  isMe: boolean;
  orgCapacity: number;
  api: Api;
  run: (action: () => Promise<unknown>) => Promise<void>;
  tell: (outcome: Outcome) => void;
}

function AgentRow({ agent, isMe, orgCapacity, api, run, tell }: RowProps) {
  const [capacity, setCapacity] = useState(agent.max_concurrent_sessions?.toString() ?? '');
  const [confirming, setConfirming] = useState(false);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const capacityChanged = capacity !== (agent.max_concurrent_sessions?.toString() ?? '');
  return (
    <tr data-agent={agent.email}>
      <td>
        <div class="agent-name">{agent.name}{isMe && ' (you)'}</div>
        <div class="muted small">{agent.email}</div>
      </td>
      <td data-label="Role">
        <select
          aria-label={`Role of ${agent.name}`}
          value={agent.role}
          onChange={(e) => void run(() => api.updateAgent(agent.id, { role: roleOf(e.currentTarget.value) }))}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Capacity">
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const value = capacity.trim() === '' ? null : Number(capacity);
            void run(() => api.updateAgent(agent.id, { max_concurrent_sessions: value }));
          }}
        >
          <input
            type="number"
            min={CAPACITY.min}
            max={CAPACITY.max}
            class="capacity"
            aria-label={`Capacity of ${agent.name}`}
            placeholder={`${orgCapacity} (default)`}
            value={capacity}
            onInput={(e) => setCapacity(e.currentTarget.value)}
          />
          {capacityChanged && (
            <button type="submit" class="btn">
              Save
            </button>
          )}
        </form>
      </td>
      <td data-label="Now">
        <span class={agent.online ? 'dot dot-online' : 'dot'} aria-hidden="true" />{' '}
        <span class="small">{agent.online ? agent.status : 'offline'}</span>
      </td>
      <td class="agent-actions">
        {!isMe &&
          (confirming ? (
            <span class="confirm">
              <button type="button" class="btn btn-danger" onClick={() => void run(() => api.deleteAgent(agent.id))}>
                Delete {agent.name}
              </button>
              <button type="button" class="btn" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </span>
          ) : (
            <span class="agent-buttons">
              <button type="button" class="btn" aria-label={`Devices of ${agent.name}`} aria-haspopup="dialog" onClick={() => setDevicesOpen(true)}>
                Devices
              </button>
              <ResetSecondFactor agent={agent} api={api} onOutcome={tell} />
              <button type="button" class="btn" aria-label={`Delete ${agent.name}`} onClick={() => setConfirming(true)}>
                Delete
              </button>
            </span>
          ))}
        {devicesOpen && (
          <ToolDialog title={`Devices of ${agent.name}`} kind="devices-dialog" onClose={() => setDevicesOpen(false)}>
            <Devices api={api} agentId={agent.id} owner={{ self: false, name: agent.name }} />
          </ToolDialog>
        )}
      </td>
    </tr>
  );
}

function CreateAgent({ api, run }: { api: Api; run: (action: () => Promise<unknown>) => Promise<void> }) {
  const empty = { name: '', email: '', password: '', role: 'agent', capacity: '' };
  const [form, setForm] = useState(empty);
  const set = (key: keyof typeof empty) => (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <form
      class="create-agent"
      aria-labelledby="create-agent-title"
      onSubmit={(e) => {
        e.preventDefault();
        const body = { name: form.name, email: form.email, password: form.password, role: roleOf(form.role) };
        const capacity = form.capacity.trim() ? { max_concurrent_sessions: Number(form.capacity) } : {};
        void run(async () => {
          await api.createAgent({ ...body, ...capacity });
          setForm(empty);
        });
      }}
    >
      <h2 id="create-agent-title">Add an agent</h2>
      <div class="form-grid">
        <label class="field">
          <span>Name</span>
          <input name="name" value={form.name} onInput={set('name')} required />
        </label>
        <label class="field">
          <span>E-mail</span>
          <input type="email" name="email" value={form.email} onInput={set('email')} required />
        </label>
        <label class="field">
          <span>Password</span>
          <input type="password" name="password" value={form.password} onInput={set('password')} required minLength={8} autocomplete="new-password" />
        </label>
        <label class="field">
          <span>Role</span>
          <select name="role" value={form.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Capacity</span>
          <input type="number" name="capacity" min={CAPACITY.min} max={CAPACITY.max} value={form.capacity} onInput={set('capacity')} placeholder="Organization default" />
        </label>
      </div>
      <button type="submit" class="btn btn-primary">
        Create agent
      </button>
    </form>
  );
}
