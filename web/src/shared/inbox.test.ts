import { describe, expect, test } from 'vitest';
import { FakeServer, FakeSocket, settle } from '../../test/fake-server';
import type { Api } from './api';
import { ChatClient } from './chat-client';
import { profileFixture, sessionFixture } from '../../test/fixtures';
import { Inbox } from './inbox';
import type { ClientSession, PublicOrganization } from './types';

const ORG: PublicOrganization = profileFixture();

function session(id: string, extra: Partial<ClientSession> = {}): ClientSession {
  return {
    ...sessionFixture(id),
    assigned_agent: null,
    read_state: { client: { delivered_seq: 0, read_seq: 0 }, agent: { delivered_seq: 0, read_seq: 0 } },
    organization: ORG,
    last_message: null,
    unread_count: 0,
    rating: null,
    ...extra,
  };
}

function setup(sessions: ClientSession[]) {
  const server = new FakeServer();
  const socket = new FakeSocket(server);
  const chat = new ChatClient(socket, { side: 'client', ackTimeoutMs: 200, retryDelayMs: 5 });
  let loads = 0;
  const api = {
    clientSessions: async () => {
      loads += 1;
      return { sessions: sessions.map((s) => ({ ...s })) };
    },
    openSession: async () => ({ session: session('new') }),
  } as unknown as Api;
  const inbox = new Inbox(api, chat, socket);
  return { server, socket, chat, inbox, loads: () => loads };
}

describe('Inbox', () => {
  test('a load asked for during another load runs again after it', async () => {
    const server = new FakeServer();
    const socket = new FakeSocket(server);
    const chat = new ChatClient(socket, { side: 'client', ackTimeoutMs: 200, retryDelayMs: 5 });
    // The first answer was read before a message arrived; the second one has it.
    const answers = [
      [session('a', { unread_count: 0 })],
      [session('a', { unread_count: 1, last_seq: 1 })],
    ];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const api = {
      clientSessions: async () => {
        const n = calls++;
        if (n === 0) await firstHeld;
        return { sessions: answers[Math.min(n, 1)].map((s) => ({ ...s })) };
      },
    } as unknown as Api;
    const inbox = new Inbox(api, chat, socket);
    void inbox.load();
    socket.connect();
    release();
    await settle(() => calls === 2 && inbox.sessions[0]?.unread_count === 1, 'the second load');
    expect(inbox.totalUnread()).toBe(1);
  });

  test('loads the list on every connect', async () => {
    const { socket, inbox, loads } = setup([session('a')]);
    socket.connect();
    await settle(() => inbox.loaded, 'the first load');
    socket.drop();
    socket.connect();
    await settle(() => loads() === 2, 'a reload after the reconnect');
    expect(inbox.sessions.map((s) => s.id)).toEqual(['a']);
  });

  test('counts unread messages of the other side unless the conversation is on screen', async () => {
    const { server, socket, inbox } = setup([session('a'), session('b')]);
    socket.connect();
    await settle(() => inbox.loaded, 'the load');
    server.append('a', 'from the agent');
    server.append('a', 'mine', { sender: 'client' });
    await settle(() => inbox.get('a')?.last_seq === 2, 'both messages');
    expect(inbox.get('a')?.unread_count).toBe(1);
    expect(inbox.get('a')?.last_message?.content).toBe('mine');
    inbox.setVisible('a');
    expect(inbox.get('a')?.unread_count).toBe(0);
    server.append('a', 'seen at once');
    await settle(() => inbox.get('a')?.last_seq === 3, 'the third message');
    expect(inbox.get('a')?.unread_count).toBe(0);
    expect(inbox.totalUnread()).toBe(0);
    expect(inbox.sessions[0].id).toBe('a');
  });

  test('the last message shown is what people wrote, never a system note', async () => {
    const { server, socket, inbox } = setup([session('a')]);
    socket.connect();
    await settle(() => inbox.loaded, 'the load');
    server.append('a', 'Where is my parcel?', { sender: 'client' });
    server.append('a', 'John joined the conversation', { sender: 'system' });
    await settle(() => inbox.get('a')?.last_seq === 2, 'both messages');
    expect(inbox.get('a')?.last_message?.content).toBe('Where is my parcel?');
    server.append('a', 'It ships today.');
    server.append('a', 'John closed the conversation', { sender: 'system' });
    await settle(() => inbox.get('a')?.last_seq === 4, 'the reply and the closing note');
    expect(inbox.get('a')?.last_message?.content).toBe('It ships today.');
  });

  test('a repeated message does not count twice', async () => {
    const { server, socket, inbox } = setup([session('a')]);
    socket.connect();
    await settle(() => inbox.loaded, 'the load');
    const m = server.append('a', 'once');
    server.broadcast('new_message', { message: m });
    server.append('a', 'twice'); // delivered after the repeat
    await settle(() => inbox.get('a')?.last_seq === 2, 'the next message');
    expect(inbox.get('a')?.unread_count).toBe(2);
  });

  test('the queue position shows while waiting and goes with the assignment', async () => {
    const { server, socket, inbox } = setup([session('a')]);
    socket.connect();
    await settle(() => inbox.loaded, 'the load');
    server.broadcast('queue_position', { session_id: 'a', position: 2 });
    await settle(() => inbox.positions.get('a') === 2, 'position 2');
    server.broadcast('agent_assigned', { session_id: 'a', agent: { id: 'ag', name: 'John' } });
    await settle(() => !inbox.positions.has('a'), 'position cleared');
    expect(inbox.get('a')?.assigned_agent?.name).toBe('John');
    expect(inbox.get('a')?.status).toBe('active');
    server.broadcast('session_status_updated', { session_id: 'a', status: 'closed' });
    await settle(() => inbox.get('a')?.status === 'closed', 'closed');
    expect(inbox.openWith('org')).toBeUndefined();
  });

  test('starting a conversation sends the first message through the chat client', async () => {
    const { server, socket, inbox } = setup([]);
    socket.connect();
    await settle(() => inbox.loaded, 'the load');
    const id = await inbox.start(ORG, 'Hello there');
    expect(id).toBe('new');
    await settle(() => server.contents('new').length === 1, 'the first message stored');
    expect(inbox.openWith('org')?.id).toBe('new');
  });
});
