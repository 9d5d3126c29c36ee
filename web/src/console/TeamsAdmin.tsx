// Admins manage the organization's teams: create one with its members, rename it, choose its
// members among the organization's agents, give it hours of its own (the default team keeps
// the organization's), delete it (not the default team; its conversations move to the default
// one). Loaded when first opened.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from '../shared/api';
import { useObservable } from '../shared/hooks';
import type { Agent, Team } from '../shared/types';
import { BusinessHoursEditor } from './BusinessHoursEditor';
import { ConfirmDialog } from './ConfirmDialog';
import type { FieldErrors } from './FieldError';
import { type HoursForm, browserZone, businessHoursOf, hoursFormOf } from './business-hours';
import { useTools } from './tools';
import './teams.css';

type Run = (action: () => Promise<unknown>, done: string, onFields?: (fields: FieldErrors) => void) => Promise<boolean>;

/** The organization's agents by name, for choosing members. */
function byName(agents: Agent[]): Agent[] {
  return [...agents].sort((a, b) => a.name.localeCompare(b.name));
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

export function TeamsAdmin() {
  const { workspace } = useTools();
  const { teams } = workspace;
  useObservable(teams, workspace);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void teams.load().catch((e) => setStatus({ ok: false, text: errorText(e) }));
  }, []);

  async function run(action: () => Promise<unknown>, done: string, onFields?: (fields: FieldErrors) => void): Promise<boolean> {
    setStatus(null);
    onFields?.({});
    try {
      await action();
      setStatus({ ok: true, text: done });
      return true;
    } catch (e) {
      if (e instanceof ApiError) onFields?.(e.fields);
      setStatus({ ok: false, text: errorText(e) });
      return false;
    }
  }

  const agents = byName(workspace.agents);
  const fallback = teams.teams.find((t) => t.is_default)?.name ?? 'default';
  return (
    <div class="admin teams-admin">
      <h1>Teams</h1>
      <p class="muted">
        Each team has its own queue: a conversation is given only to the agents of its team. Conversations go to the team the customer
        chose (when the settings offer the choice) or to the default team, which every new agent joins. At most 50 teams.
      </p>
      <p class={status?.ok ? 'ok-text' : 'error-text'} role="status">
        {status?.text ?? ''}
      </p>
      <ul class="admin-list">
        {teams.teams.map((t) => (
          <TeamRow key={t.id} team={t} agents={agents} fallback={fallback} run={run} />
        ))}
      </ul>
      <NewTeam agents={agents} run={run} />
    </div>
  );
}

/** Hours as the server would store them, to compare what the form asks with what is saved. */
function hoursKey(hours: Team['business_hours'], zone: string): string {
  return JSON.stringify(businessHoursOf(hoursFormOf(hours, zone)));
}

function TeamRow({ team, agents, fallback, run }: { team: Team; agents: Agent[]; fallback: string; run: Run }) {
  const { workspace } = useTools();
  // A team's own hours start from the organization's zone, where it has one.
  const zone = workspace.org?.settings?.business_hours?.time_zone ?? browserZone();
  const [name, setName] = useState(team.name);
  const [members, setMembers] = useState<string[]>(team.members);
  const [hours, setHours] = useState<HoursForm>(() => hoursFormOf(team.business_hours, zone));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [confirming, setConfirming] = useState(false);
  // What the server says now wins over the form (another admin, or this save, changed it).
  useEffect(() => setHours(hoursFormOf(team.business_hours, zone)), [JSON.stringify(team.business_hours)]);
  const renamed = name.trim() !== team.name;
  const regrouped = !sameMembers(members, team.members);
  const asked = businessHoursOf(hours);
  const rehoured = !team.is_default && JSON.stringify(asked) !== hoursKey(team.business_hours, zone);
  const headingId = `team-${team.id}-title`;

  function save(e: Event) {
    e.preventDefault();
    const change = {
      ...(renamed ? { name: name.trim() } : {}),
      ...(regrouped ? { members } : {}),
      ...(rehoured ? { business_hours: asked } : {}),
    };
    void run(() => workspace.teams.update(team.id, change), `Saved ${name.trim()}.`, setErrors);
  }

  return (
    <li class="admin-row team-row" data-team-row={team.name}>
      <form class="team-form" aria-labelledby={headingId} onSubmit={save}>
        <h2 id={headingId} class="team-title">
          {team.name}
          {team.is_default && <span class="muted small"> · default team</span>}
        </h2>
        <label class="field">
          <span>Name</span>
          <input value={name} maxLength={60} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <MemberChoice legend={`Members of ${team.name}`} agents={agents} chosen={members} onChange={setMembers} />
        {team.is_default ? (
          <p class="muted small">Answers in the organization's business hours (Settings).</p>
        ) : (
          <details class="team-hours" open={hours.enabled || Boolean(errors.business_hours)}>
            <summary>Hours: {team.business_hours ? 'its own' : "the organization's"}</summary>
            <BusinessHoursEditor
              hours={hours}
              errors={errors}
              onChange={setHours}
              field="business_hours"
              scope={`team-${team.id}-hours`}
              offLabel="The organization's hours"
              help={`Outside these hours nobody of ${team.name} is given a conversation and its customers see the offline message.`}
            />
          </details>
        )}
        <div class="row-actions">
          <button type="submit" class="btn btn-primary" disabled={!renamed && !regrouped && !rehoured}>
            Save
          </button>
          {!team.is_default && (
            <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Delete the team ${team.name}?`}
          confirmLabel="Delete team"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run(() => workspace.teams.remove(team.id), `Deleted ${team.name}.`);
          }}
        >
          <p>Its conversations move to the {fallback} team. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

function NewTeam({ agents, run }: { agents: Agent[]; run: Run }) {
  const { workspace } = useTools();
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  return (
    <form
      class="admin-create team-form"
      aria-labelledby="new-team-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const created = name.trim();
        if (await run(() => workspace.teams.create(created, members), `Created ${created}.`)) {
          setName('');
          setMembers([]);
        }
      }}
    >
      <h2 id="new-team-title">New team</h2>
      <label class="field">
        <span>Name</span>
        <input value={name} maxLength={60} required onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <MemberChoice legend="Members" agents={agents} chosen={members} onChange={setMembers} />
      <button type="submit" class="btn btn-primary">
        Create team
      </button>
    </form>
  );
}

interface MemberChoiceProps {
  legend: string;
  agents: Agent[];
  chosen: string[];
  onChange: (members: string[]) => void;
}

/** One checkbox per agent of the organization. */
function MemberChoice({ legend, agents, chosen, onChange }: MemberChoiceProps) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...chosen, id] : chosen.filter((m) => m !== id));
  return (
    <fieldset class="member-choice">
      <legend>{legend}</legend>
      {agents.length === 0 && <p class="muted small">No agents yet.</p>}
      <ul>
        {agents.map((a) => (
          <li key={a.id}>
            <label class="check">
              <input type="checkbox" checked={chosen.includes(a.id)} onChange={(e) => toggle(a.id, e.currentTarget.checked)} />
              <span>
                {a.name} <span class="muted small">({a.role})</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
