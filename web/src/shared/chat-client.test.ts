import { afterEach, describe, expect, test, vi } from 'vitest';
import { FakeServer, FakeSocket, settle } from '../../test/fake-server';
import { ChatClient } from './chat-client';

const S = 'session-1';

function setup(opts: { connected?: boolean } = {}) {
  const server = new FakeServer();
  const socket = new FakeSocket(server);
  const client = new ChatClient(socket, { side: 'client', ackTimeoutMs: 200, retryDelayMs: 5 });
  if (opts.connected !== false) socket.connect();
  return { server, socket, client };
}

function shown(client: ChatClient, sessionId = S): string[] {
  return client
    .conversation(sessionId)
    .timeline()
    .map((i) => (i.kind === 'message' ? i.message.content : `(pending) ${i.pending.content}`));
}

function seqs(client: ChatClient, sessionId = S): number[] {
  return client
    .conversation(sessionId)
    .messages()
    .map((m) => m.seq);
}

describe('ChatClient: opening', () => {
  test('loads the newest page and knows older pages exist', async () => {
    const { server, client } = setup();
    for (let i = 1; i <= 120; i++) server.append(S, `m${i}`, { silent: true });
    const conv = await client.open(S);
    expect(conv.messages()).toHaveLength(50);
    expect(conv.oldestSeq).toBe(71);
    expect(conv.hasOlder).toBe(true);
    expect(await client.loadOlder(S)).toBe(true);
    expect(await client.loadOlder(S)).toBe(true);
    expect(conv.hasOlder).toBe(false);
    expect(seqs(client)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(await client.loadOlder(S)).toBe(false);
  });

  test('a conversation opened while offline loads once connected', async () => {
    const { server, socket, client } = setup({ connected: false });
    server.append(S, 'hello', { silent: true });
    await client.open(S);
    expect(shown(client)).toEqual([]);
    socket.connect();
    await settle(() => shown(client).length === 1, 'history after connect');
  });
});

describe('ChatClient: optimistic send', () => {
  test('shows the message at once, then the stored one with its seq, once', async () => {
    const { server, client } = setup();
    await client.open(S);
    client.send(S, 'hi');
    expect(shown(client)).toEqual(['(pending) hi']);
    await settle(() => seqs(client).length === 1, 'the ack');
    expect(shown(client)).toEqual(['hi']);
    expect(seqs(client)).toEqual([1]);
    // The server's own new_message for it arrives too and changes nothing.
    await settle(() => server.log.some((e) => e.event === 'mark_delivered'), 'a delivered mark');
    expect(shown(client)).toEqual(['hi']);
  });

  test('messages written quickly keep their order', async () => {
    const { server, client } = setup();
    await client.open(S);
    for (const text of ['one', 'two', 'three']) client.send(S, text);
    await settle(() => seqs(client).length === 3, 'three acks');
    expect(server.contents(S)).toEqual(['one', 'two', 'three']);
    expect(shown(client)).toEqual(['one', 'two', 'three']);
  });

  test('a message refused for good is marked failed and not resent until retried', async () => {
    const { server, client } = setup();
    await client.open(S);
    server.refusals = ['session_closed'];
    client.send(S, 'late');
    await settle(() => client.conversation(S).pending[0]?.failed !== undefined, 'the refusal');
    expect(server.contents(S)).toEqual([]);
    client.retry(S, client.conversation(S).pending[0].clientMsgId);
    await settle(() => seqs(client).length === 1, 'the retried message');
    expect(server.contents(S)).toEqual(['late']);
  });

  test('a message with files sends their ids; a retry sends the same message with the same files', async () => {
    const { server, client } = setup();
    await client.open(S);
    const file = { id: 'att-1', name: 'a.png', content_type: 'image/png', size: 10, kind: 'image' as const, width: 4, height: 3, thumbnail: false };
    server.refusals = ['session_closed'];
    client.send(S, '', [file]);
    expect(client.conversation(S).pending[0].attachments).toEqual([file]);
    await settle(() => client.conversation(S).pending[0]?.failed !== undefined, 'the refusal');
    client.retry(S, client.conversation(S).pending[0].clientMsgId);
    await settle(() => seqs(client).length === 1, 'the retried message');
    const sends = server.log.filter((e) => e.event === 'send_message').map((e) => e.payload);
    expect(sends).toHaveLength(2);
    expect(sends[1]).toEqual(sends[0]);
    expect(sends[0]).toMatchObject({ content: '', attachments: ['att-1'] });
  });

  test('a message without files sends no attachments field', async () => {
    const { server, client } = setup();
    await client.open(S);
    client.send(S, 'plain');
    await settle(() => seqs(client).length === 1, 'the ack');
    const send = server.log.find((e) => e.event === 'send_message')!.payload;
    expect('attachments' in send).toBe(false);
  });

  test('a rate-limited message is retried by itself', async () => {
    const { server, client } = setup();
    await client.open(S);
    server.refusals = ['rate_limited', 'rate_limited'];
    client.send(S, 'patient');
    await settle(() => seqs(client).length === 1, 'the message after two refusals');
    expect(server.contents(S)).toEqual(['patient']);
  });
});

describe('ChatClient: gaps, reconnects and resends', () => {
  test('a live message that skips a seq fills the gap from history', async () => {
    const { server, client } = setup();
    server.append(S, 'one', { silent: true });
    await client.open(S);
    server.append(S, 'two', { silent: true });
    server.append(S, 'three', { silent: true });
    server.append(S, 'four');
    await settle(() => seqs(client).length === 4, 'the gap filled');
    expect(shown(client)).toEqual(['one', 'two', 'three', 'four']);
    const fills = server.log.filter((e) => e.event === 'get_session_history' && e.payload.after === 1);
    expect(fills).toHaveLength(1);
  });

  test('after a reconnect, what was missed is fetched from the last seq seen', async () => {
    const { server, socket, client } = setup();
    server.append(S, 'before');
    await client.open(S);
    socket.drop();
    server.append(S, 'missed 1');
    server.append(S, 'missed 2');
    expect(shown(client)).toEqual(['before']);
    socket.connect();
    await settle(() => seqs(client).length === 3, 'missed messages');
    expect(shown(client)).toEqual(['before', 'missed 1', 'missed 2']);
    expect(server.log.some((e) => e.event === 'get_session_history' && e.payload.after === 1)).toBe(true);
  });

  test('messages written offline are sent after the reconnect, in order, once', async () => {
    const { server, socket, client } = setup();
    await client.open(S);
    socket.drop();
    client.send(S, 'offline 1');
    client.send(S, 'offline 2');
    expect(shown(client)).toEqual(['(pending) offline 1', '(pending) offline 2']);
    server.append(S, 'agent while away');
    socket.connect();
    await settle(() => seqs(client).length === 3, 'everything after the reconnect');
    expect(server.contents(S)).toEqual(['agent while away', 'offline 1', 'offline 2']);
    expect(shown(client)).toEqual(['agent while away', 'offline 1', 'offline 2']);
  });

  test('a lost ack leads to a resend with the same client_msg_id and no duplicate', async () => {
    const { server, socket, client } = setup();
    await client.open(S);
    server.loseAcks = true;
    client.send(S, 'once only');
    await settle(() => server.contents(S).length === 1, 'the server stored it');
    expect(shown(client)).toEqual(['(pending) once only']);
    server.loseAcks = false;
    socket.drop();
    socket.connect();
    await settle(() => seqs(client).length === 1 && client.conversation(S).pending.length === 0, 'confirmation');
    expect(server.contents(S)).toEqual(['once only']);
    expect(shown(client)).toEqual(['once only']);
  });

  test('a timed-out ack while still connected is resent with the same id', async () => {
    const { server, client } = setup();
    await client.open(S);
    server.loseAcks = true;
    client.send(S, 'retry me');
    await settle(() => server.log.filter((e) => e.event === 'send_message').length === 2, 'a resend');
    server.loseAcks = false;
    await settle(() => seqs(client).length === 1, 'confirmation');
    const sends = server.log.filter((e) => e.event === 'send_message');
    expect(new Set(sends.map((e) => e.payload.client_msg_id)).size).toBe(1);
    expect(server.contents(S)).toEqual(['retry me']);
    expect(shown(client)).toEqual(['retry me']);
  });

  test('many drops in a row end with both sides holding the same messages', async () => {
    const { server, socket, client } = setup();
    await client.open(S);
    for (let round = 0; round < 5; round++) {
      client.send(S, `client ${round}`);
      socket.drop();
      server.append(S, `agent ${round}`);
      client.send(S, `client ${round} offline`);
      socket.connect();
    }
    await settle(() => client.conversation(S).pending.length === 0 && seqs(client).length === 15, 'all synced');
    expect(shown(client)).toEqual(server.contents(S));
    expect(new Set(server.contents(S)).size).toBe(15);
  });
});

describe('ChatClient: a history page that fails while filling a gap', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A connected client on fake timers; jitter fixed at its low end: pauses are half the backoff. */
  function setupFake() {
    vi.useFakeTimers();
    const server = new FakeServer();
    const socket = new FakeSocket(server);
    const client = new ChatClient(socket, { side: 'client', ackTimeoutMs: 200, retryDelayMs: 5, random: () => 0 });
    socket.connect();
    /** When each get_session_history reached the server (fake clock). */
    const asked: number[] = [];
    const handle = server.handle.bind(server);
    server.handle = (event, payload) => {
      if (event === 'get_session_history') asked.push(Date.now());
      return handle(event, payload);
    };
    return { server, socket, client, asked };
  }

  /** Opens S with `first` stored, then has the server store `missed` silently and send `live`. */
  async function openThenSkip(
    server: FakeServer,
    client: ChatClient,
    first: string[],
    missed: string[],
    live: string,
  ) {
    for (const text of first) server.append(S, text, { silent: true });
    const opening = client.open(S);
    await vi.advanceTimersByTimeAsync(0);
    await opening;
    for (const text of missed) server.append(S, text, { silent: true });
    server.append(S, live);
  }

  test('fails twice, then succeeds: every message in order, "catching up" set while failing and cleared', async () => {
    const { server, client, asked } = setupFake();
    const conv = client.conversation(S);
    const states: boolean[] = [];
    conv.subscribe(() => states.at(-1) !== conv.catchingUp && states.push(conv.catchingUp));
    /** Advances the fake clock to `ms` after `t0` (acks take a fake millisecond each). */
    let t0 = Date.now();
    const at = (ms: number) => vi.advanceTimersByTimeAsync(t0 + ms - Date.now());

    // The first load fails twice: retried the same way, after 0.25 s and 0.5 s.
    server.historyFailures = ['internal', 'internal'];
    server.append(S, 'one', { silent: true });
    const opening = client.open(S);
    await at(5);
    expect(asked).toHaveLength(1);
    expect(conv.catchingUp).toBe(true);
    expect(conv.loaded).toBe(false);
    await at(240);
    expect(asked).toHaveLength(1);
    await at(260);
    expect(asked).toHaveLength(2);
    expect(conv.catchingUp).toBe(true);
    await at(740);
    expect(asked).toHaveLength(2);
    await at(760);
    await opening;
    expect(asked).toHaveLength(3);
    expect(shown(client)).toEqual(['one']);
    expect(conv.catchingUp).toBe(false);

    // Now a gap: a live message skips two seqs, and the fill's page fails twice.
    server.historyFailures = ['internal', 'timeout'];
    server.append(S, 'two', { silent: true });
    server.append(S, 'three', { silent: true });
    t0 = Date.now();
    server.append(S, 'four');
    await at(5);
    expect(asked).toHaveLength(4);
    expect(conv.catchingUp).toBe(true);
    expect(shown(client)).toEqual(['one', 'four']);
    await at(260);
    expect(asked).toHaveLength(5);
    expect(conv.catchingUp).toBe(true);
    expect(shown(client)).toEqual(['one', 'four']);
    await at(740);
    expect(asked).toHaveLength(5);
    await at(770);
    expect(asked).toHaveLength(6);
    expect(shown(client)).toEqual(['one', 'two', 'three', 'four']);
    expect(seqs(client)).toEqual([1, 2, 3, 4]);
    expect(conv.catchingUp).toBe(false);
    expect(states).toEqual([true, false, true, false]);
    // Everything is there: the server hears it was received, and nothing is asked again.
    expect(server.log.filter((e) => e.event === 'mark_delivered').at(-1)?.payload).toEqual({ session_id: S, seq: 4 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(asked).toHaveLength(6);
  });

  test('a lost answer (ack timeout) is asked for again too', async () => {
    const { server, client, asked } = setupFake();
    await openThenSkip(server, client, ['one'], ['two'], 'three');
    server.historyFailures = ['lost'];
    await vi.advanceTimersByTimeAsync(5);
    expect(asked).toHaveLength(2);
    expect(client.conversation(S).catchingUp).toBe(true);
    await vi.advanceTimersByTimeAsync(200 + 250 + 10);
    expect(asked).toHaveLength(3);
    expect(shown(client)).toEqual(['one', 'two', 'three']);
    expect(client.conversation(S).catchingUp).toBe(false);
  });

  test('the pause doubles from 0.5 s up to 10 s, with jitter', async () => {
    const { server, client, asked } = setupFake();
    await openThenSkip(server, client, ['one'], [], 'warm-up');
    server.historyFailures = Array(8).fill('internal');
    server.append(S, 'two', { silent: true });
    server.append(S, 'three');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(shown(client)).toEqual(['one', 'warm-up', 'two', 'three']);
    // Between two requests: the failed answer (a fake millisecond), then the pause.
    const pauses = asked.slice(2).map((t, i) => Math.round((t - asked[i + 1]) / 10) * 10);
    // Half of 0.5, 1, 2, 4, 8, 10, 10, 10 s (jitter at its low end).
    expect(pauses).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);

    // At the high end of the jitter, the whole backoff.
    const server2 = new FakeServer();
    const socket2 = new FakeSocket(server2);
    const client2 = new ChatClient(socket2, { side: 'client', random: () => 0.999999 });
    socket2.connect();
    const asked2: number[] = [];
    const handle = server2.handle.bind(server2);
    server2.handle = (event, payload) => {
      if (event === 'get_session_history') asked2.push(Date.now());
      return handle(event, payload);
    };
    server2.historyFailures = Array(7).fill('rate_limited');
    void client2.open(S);
    await vi.advanceTimersByTimeAsync(60_000);
    const pauses2 = asked2.slice(1).map((t, i) => t - asked2[i]);
    expect(pauses2.map((p) => Math.round(p / 10) * 10)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  test('while offline the retry waits for the reconnect, then asks again at once', async () => {
    const { server, socket, client, asked } = setupFake();
    await openThenSkip(server, client, ['one'], ['two'], 'three');
    server.historyFailures = ['internal'];
    // The fill's first page fails; the connection drops before the retry.
    await vi.advanceTimersByTimeAsync(0);
    socket.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    const conv = client.conversation(S);
    expect(conv.catchingUp).toBe(true);
    const before = asked.length;
    server.append(S, 'four', { silent: true });
    socket.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.length).toBe(before + 1);
    expect(shown(client)).toEqual(['one', 'two', 'three', 'four']);
    expect(conv.catchingUp).toBe(false);
  });

  test('a conversation left stops retrying and is no longer catching up', async () => {
    const { server, client, asked } = setupFake();
    await openThenSkip(server, client, ['one'], ['two'], 'three');
    server.historyFailures = Array(100).fill('internal');
    await vi.advanceTimersByTimeAsync(1_000);
    const conv = client.conversation(S);
    expect(conv.catchingUp).toBe(true);
    client.leave(S);
    await vi.advanceTimersByTimeAsync(0);
    const count = asked.length;
    expect(conv.catchingUp).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked.length).toBe(count);
    // Opened again, it fills once the server answers.
    server.historyFailures = [];
    const opening = client.open(S);
    await vi.advanceTimersByTimeAsync(0);
    await opening;
    expect(shown(client)).toEqual(['one', 'two', 'three']);
  });

  test('a refusal for good ends the fill without retrying', async () => {
    const { server, client, asked } = setupFake();
    await openThenSkip(server, client, ['one'], ['two'], 'three');
    server.historyFailures = ['forbidden'];
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toHaveLength(2);
    expect(client.conversation(S).catchingUp).toBe(false);
    expect(shown(client)).toEqual(['one', 'three']);
  });

  test('disposing the client ends a fill waiting to retry', async () => {
    const { server, client, asked } = setupFake();
    await openThenSkip(server, client, ['one'], ['two'], 'three');
    server.historyFailures = Array(100).fill('internal');
    await vi.advanceTimersByTimeAsync(100);
    client.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toHaveLength(2);
    expect(client.conversation(S).catchingUp).toBe(false);
  });
});

describe('ChatClient: marks and typing', () => {
  test('a visible conversation is marked read, a hidden one delivered', async () => {
    const { server, client } = setup();
    server.append(S, 'hello', { silent: true });
    await client.open(S);
    expect(server.log.filter((e) => e.event.startsWith('mark_'))).toEqual([
      { event: 'mark_delivered', payload: { session_id: S, seq: 1 } },
    ]);
    client.setVisible(S, true);
    expect(server.log.filter((e) => e.event === 'mark_read')).toEqual([
      { event: 'mark_read', payload: { session_id: S, seq: 1 } },
    ]);
    server.append(S, 'more');
    await settle(() => server.log.filter((e) => e.event === 'mark_read').length === 2, 'read of the new one');
  });

  test("the other side's marks turn into check marks", async () => {
    const { server, socket, client } = setup();
    await client.open(S);
    client.send(S, 'hi');
    await settle(() => seqs(client).length === 1, 'the ack');
    const conv = client.conversation(S);
    expect(conv.delivery(conv.messages()[0])).toBe('sent');
    socket.deliver('messages_delivered', { session_id: S, side: 'agent', seq: 1 });
    await settle(() => conv.delivery(conv.messages()[0]) === 'delivered', 'two checks');
    socket.deliver('messages_read', { session_id: S, side: 'agent', seq: 1 });
    await settle(() => conv.delivery(conv.messages()[0]) === 'read', 'read');
    void server;
  });

  test('marks reported with the session seed the check marks and what is already read', async () => {
    const { server, client } = setup();
    server.append(S, 'mine 1', { sender: 'client', silent: true });
    server.append(S, 'mine 2', { sender: 'client', silent: true });
    server.append(S, 'theirs', { sender: 'agent', silent: true });
    client.applyReadState(S, {
      client: { delivered_seq: 3, read_seq: 3 },
      agent: { delivered_seq: 2, read_seq: 1 },
    });
    const conv = await client.open(S);
    expect(conv.messages().map((m) => conv.delivery(m))).toEqual(['read', 'delivered', null]);
    expect(conv.unreadCount()).toBe(0);
    expect(server.log.filter((e) => e.event.startsWith('mark_'))).toEqual([]);
  });

  test('typing_start is throttled and typing_stop follows a send', async () => {
    const { server, client } = setup();
    await client.open(S);
    client.typing(S);
    client.typing(S);
    client.typing(S);
    client.send(S, 'done');
    const typing = server.log.filter((e) => e.event.startsWith('typing_')).map((e) => e.event);
    expect(typing).toEqual(['typing_start', 'typing_stop']);
  });

  test("the other side's typing shows until their message or a stop", async () => {
    const { server, socket, client } = setup();
    const conv = await client.open(S);
    socket.deliver('typing_start', { session_id: S, user_id: 'agent-1', user_type: 'agent', name: 'John' });
    await settle(() => conv.whoIsTyping().length === 1, 'typing shown');
    server.append(S, 'answer');
    await settle(() => conv.whoIsTyping().length === 0, 'typing cleared by the message');
    socket.deliver('typing_start', { session_id: S, user_id: 'agent-1', user_type: 'agent', name: 'John' });
    await settle(() => conv.whoIsTyping().length === 1, 'typing again');
    socket.drop();
    expect(conv.whoIsTyping()).toEqual([]);
  });

  test('messages of conversations not open are marked delivered when the policy says so', async () => {
    const server = new FakeServer();
    const socket = new FakeSocket(server);
    const client = new ChatClient(socket, { side: 'agent', deliveredWhenClosed: (m) => m.session_id === 'mine' });
    socket.connect();
    server.append('mine', 'for me', { sender: 'client' });
    server.append('theirs', 'for a teammate', { sender: 'client' });
    server.append('mine', 'my own reply', { sender: 'agent' });
    server.append('mine', 'again for me', { sender: 'client' });
    await settle(() => server.log.filter((e) => e.event === 'mark_delivered').length === 2, 'two marks');
    expect(server.log.filter((e) => e.event === 'mark_delivered').map((e) => e.payload)).toEqual([
      { session_id: 'mine', seq: 1 },
      { session_id: 'mine', seq: 3 },
    ]);
    void client;
  });

  test('list listeners hear messages of conversations not open', async () => {
    const { server, client } = setup();
    const heard: string[] = [];
    client.onMessage((m, isNew) => heard.push(`${m.content}:${isNew}`));
    server.append('other', 'elsewhere');
    await settle(() => heard.length === 1, 'the listener');
    expect(heard).toEqual(['elsewhere:true']);
  });
});
