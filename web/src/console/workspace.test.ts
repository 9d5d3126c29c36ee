import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FakeServer, FakeSocket, settle } from '../../test/fake-server';
import { sessionFixture } from '../../test/fixtures';
import type { Api } from '../shared/api';
import { ChatClient } from '../shared/chat-client';
import type { Agent, Session, Team } from '../shared/types';
import { withLiveStatus } from './live-status';
import type { Notifier } from './notifier';
import { Workspace } from './workspace';

function agent(id: string, extra: Partial<Agent> = {}): Agent {
  return {
    id,
    organization_id: 'org',
    name: id,
    email: `${id}@sample.com`,
    role: 'agent',
    status: 'active',
    online: true,
    max_concurrent_sessions: null,
    last_assigned_at: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...extra,
  } as Agent;
}

function session(id: string, extra: Partial<Session> = {}): Session {
  return sessionFixture(id, extra);
}

/** A promise with its resolve, for answers the test releases when it wants. */
function held<T>() {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (release = resolve));
  return { promise, release };
}

interface Answers {
  agents: () => Promise<Agent[]>;
  session?: (id: string) => Session;
  /** My conversations as the first load finds them. */
  mine?: () => Session[];
  /** The organization's teams (none of its own by default). */
  teams?: () => Team[];
}

function team(id: string, members: string[]): Team {
  return { id, organization_id: 'org', name: id, is_default: false, members, created_at: '2026-01-01T00:00:00Z' };
}

function setup(answers: Answers) {
  const server = new FakeServer();
  const socket = new FakeSocket(server);
  const chat = new ChatClient(socket, { side: 'agent', ackTimeoutMs: 200, retryDelayMs: 5 });
  const api = {
    organization: async () => ({ organization: { id: 'org', name: 'Sample' } }),
    agents: async () => ({ agents: await answers.agents() }),
    waitingSessions: async () => ({ sessions: [] }),
    agentSessions: async () => ({ sessions: answers.mine?.() ?? [] }),
    session: async (id: string) => ({ session: answers.session?.(id) ?? session(id) }),
    call: async (method: string, path: string) => {
      if (method === 'get' && path === '/api/teams') return { teams: answers.teams?.() ?? [] };
      throw new Error(`no answer for ${method} ${path}`);
    },
  } as unknown as Api;
  const titles: number[] = [];
  const notifier = { announce: () => undefined, setCount: (n: number) => titles.push(n) } as unknown as Notifier;
  const workspace = new Workspace(agent('jane'), api, chat, socket, notifier);
  return { server, socket, workspace, titles };
}

const statusOf = (w: Workspace, id: string) => w.agents.find((a) => a.id === id)?.status;

beforeEach(() => {
  vi.stubGlobal('document', { visibilityState: 'visible' });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Workspace: the team list and status events', () => {
  test('an event that arrives while the first list is on its way is not undone by it', async () => {
    // The first answer was read before John went busy; the list asked for after the event has it.
    const first = held<Agent[]>();
    let calls = 0;
    const { server, socket, workspace } = setup({
      agents: () => (calls++ === 0 ? first.promise : Promise.resolve([agent('jane'), agent('john', { status: 'busy' })])),
    });
    socket.connect();
    server.broadcast('agent_status_updated', { agent_id: 'john', status: 'busy', online: true });
    await settle(() => statusOf(workspace, 'john') === 'busy', 'the list asked for after the event');
    first.release([agent('jane'), agent('john')]);
    await settle(() => workspace.loaded, 'the first load');
    expect(statusOf(workspace, 'john')).toBe('busy');
  });

  test('an event during a reload wins over the older answer', async () => {
    let answer = held<Agent[]>();
    const { server, socket, workspace } = setup({ agents: () => answer.promise });
    socket.connect();
    answer.release([agent('jane'), agent('john')]);
    await settle(() => workspace.loaded, 'the first load');

    // A reconnect reloads; John goes busy and offline while that list is on its way.
    answer = held<Agent[]>();
    socket.drop();
    socket.connect();
    server.broadcast('agent_status_updated', { agent_id: 'john', status: 'busy', online: false });
    await settle(() => statusOf(workspace, 'john') === 'busy', 'the event');
    answer.release([agent('jane'), agent('john', { status: 'active', online: true })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(workspace.agents.find((a) => a.id === 'john')).toMatchObject({ status: 'busy', online: false });
  });

  test('withLiveStatus takes only events newer than the request', () => {
    const live = new Map([
      ['john', { status: 'busy' as const, online: true, at: 5 }],
      ['jane', { status: 'inactive' as const, online: false, at: 2 }],
    ]);
    const merged = withLiveStatus([agent('john'), agent('jane'), agent('ben')], live, 3);
    expect(merged.map((a) => [a.id, a.status, a.online])).toEqual([
      ['john', 'busy', true],
      ['jane', 'active', true],
      ['ben', 'active', true],
    ]);
  });
});

describe('Workspace: conversations in my lists', () => {
  test('a new conversation gets the delivered mark when its first message reaches the console', async () => {
    const { server, socket } = setup({
      agents: async () => [agent('jane')],
      session: (id) => session(id, { status: 'active', agent_id: 'jane', last_seq: 1 }),
    });
    socket.connect();
    server.append('s1', 'Hello?', { sender: 'client' });
    await settle(() => server.log.some((e) => e.event === 'mark_delivered'), 'a delivered mark');
    expect(server.log.filter((e) => e.event === 'mark_delivered').map((e) => e.payload)).toEqual([{ session_id: 's1', seq: 1 }]);
  });

  test("a teammate's conversation is not marked delivered for them", async () => {
    const { server, socket } = setup({
      agents: async () => [agent('jane')],
      session: (id) => session(id, { status: 'active', agent_id: 'john', last_seq: 1 }),
    });
    socket.connect();
    server.append('s1', 'Hello?', { sender: 'client' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.log.some((e) => e.event === 'mark_delivered')).toBe(false);
  });

  test('the title counts conversations with something unseen, once each', async () => {
    const { server, socket, workspace, titles } = setup({ agents: async () => [agent('jane')] });
    socket.connect();
    await settle(() => workspace.loaded, 'the load');
    for (const id of ['a', 'b']) {
      server.broadcast('new_session', { session: session(id, { queued_at: '2026-01-01T00:00:00Z', last_seq: 1 }) });
    }
    await settle(() => workspace.sessions.size === 2, 'both conversations');
    for (const [id, n] of [['a', 2], ['a', 3], ['b', 2]] as const) {
      server.broadcast('new_message', { message: { ...server.append(id, `m${n}`, { sender: 'client', silent: true }), seq: n } });
    }
    await settle(() => workspace.sessions.get('a')?.last_seq === 3 && workspace.sessions.get('b')?.last_seq === 2, 'the messages');
    expect(workspace.unseenConversations()).toBe(2);
    expect(titles.at(-1)).toBe(2);
    workspace.setViewing('a');
    expect(titles.at(-1)).toBe(1);
  });
});

describe("Workspace: my teams' queues", () => {
  const queued = (id: string, teamId: string) => session(id, { team_id: teamId, queued_at: '2026-01-01T00:00:00Z', last_seq: 1 });

  test("another team's new conversation never enters my queue nor my unseen count; moved to my team, it does", async () => {
    const { server, socket, workspace } = setup({
      agents: async () => [agent('jane'), agent('john')],
      teams: () => [team('support', ['jane']), team('sales', ['john'])],
    });
    socket.connect();
    await settle(() => workspace.loaded && workspace.teams.loaded, 'the load');
    server.broadcast('new_session', { session: queued('sale', 'sales') });
    server.broadcast('new_session', { session: queued('help', 'support') });
    await settle(() => workspace.queue().length === 1, 'my team’s conversation');
    expect(workspace.queue().map((s) => s.id)).toEqual(['help']);
    expect(workspace.unseenConversations()).toBe(1);

    server.broadcast('session_updated', { session: queued('sale', 'support') });
    await settle(() => workspace.queue().length === 2, 'the conversation moved to my team');
    server.broadcast('session_updated', { session: queued('help', 'sales') });
    await settle(() => workspace.queue().length === 1, 'the conversation moved away');
    expect(workspace.queue().map((s) => s.id)).toEqual(['sale']);
  });

  test('until my teams are known, the queue holds nothing back', async () => {
    const teams = held<void>();
    const { server, socket, workspace } = setup({ agents: async () => [agent('jane')], teams: () => [team('sales', ['john'])] });
    const load = workspace.teams.load.bind(workspace.teams);
    workspace.teams.load = () => teams.promise.then(load);
    socket.connect();
    await settle(() => workspace.loaded, 'the load');
    server.broadcast('new_session', { session: queued('sale', 'sales') });
    await settle(() => workspace.queue().length === 1, 'the conversation, teams unknown');
    teams.release();
    await settle(() => workspace.queue().length === 0, 'held back once the teams are known');
  });
});

describe('Workspace: snoozed conversations', () => {
  const snoozed = (id: string, until: string | null = null) =>
    session(id, { status: 'active', agent_id: 'jane', snoozed: true, snoozed_until: until, last_seq: 1 });
  const ids = (list: Session[]) => list.map((s) => s.id);

  test("a snoozed conversation is in the Snoozed list, not among my active ones, until the customer's message brings it back", async () => {
    const { server, socket, workspace } = setup({
      agents: async () => [agent('jane')],
      mine: () => [snoozed('later', '2026-01-09T09:00:00Z'), snoozed('customer'), snoozed('soon', '2026-01-08T09:00:00Z'), session('open', { status: 'active', agent_id: 'jane' })],
    });
    socket.connect();
    await settle(() => workspace.loaded, 'the load');
    expect(ids(workspace.mine())).toEqual(['open']);
    expect(ids(workspace.snoozed())).toEqual(['soon', 'later', 'customer']);

    server.append('customer', 'first', { sender: 'agent' });
    server.append('customer', 'Any news?', { sender: 'client' });
    await settle(() => workspace.mine().some((s) => s.id === 'customer'), 'the customer wakes it');
    expect(ids(workspace.snoozed())).toEqual(['soon', 'later']);
    expect(workspace.sessions.get('customer')).toMatchObject({ snoozed: false, snoozed_until: null });
  });

  test("an agent's message leaves it snoozed; the server waking it (session_updated) brings it back", async () => {
    const { server, socket, workspace } = setup({ agents: async () => [agent('jane')], mine: () => [snoozed('s1', '2026-01-08T09:00:00Z')] });
    socket.connect();
    await settle(() => workspace.loaded, 'the load');
    server.append('s1', 'first', { sender: 'agent' });
    server.append('s1', 'I will check tomorrow.', { sender: 'agent' });
    await settle(() => workspace.sessions.get('s1')?.last_seq === 2, "the agent's message");
    expect(ids(workspace.snoozed())).toEqual(['s1']);

    server.broadcast('session_updated', { session: { ...workspace.sessions.get('s1')!, snoozed: false, snoozed_until: null } });
    await settle(() => workspace.mine().length === 1, 'woken by the server');
    expect(workspace.snoozed()).toEqual([]);
  });

  test('a close or an assignment ends the snooze, as on the server', async () => {
    const { server, socket, workspace } = setup({ agents: async () => [agent('jane')], mine: () => [snoozed('s1'), snoozed('s2')] });
    socket.connect();
    await settle(() => workspace.loaded, 'the load');
    server.broadcast('session_status_updated', { session_id: 's1', status: 'closed' });
    server.broadcast('agent_assigned', { session_id: 's2', agent: { id: 'jane', name: 'jane' } });
    await settle(() => workspace.sessions.get('s1')?.status === 'closed' && !workspace.sessions.get('s2')?.snoozed, 'both events');
    expect(workspace.sessions.get('s1')?.snoozed).toBe(false);
    expect(ids(workspace.mine())).toEqual(['s2']);
  });
});
