import { describe, expect, test } from 'vitest';
import { FakeServer, FakeSocket, settle } from '../../test/fake-server';
import { ChatClient } from './chat-client';
import { Conversation, pageRange } from './conversation';
import type { Message } from './types';

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `id-${seq}`,
    organization_id: 'org',
    session_id: 's1',
    seq,
    sender_type: 'agent',
    sender_id: 'agent-1',
    sender_name: 'John',
    content: `message ${seq}`,
    client_msg_id: null,
    created_at: '2026-01-01T00:00:00Z',
    internal: false,
    attachments: [],
    ...extra,
  };
}

describe('Conversation', () => {
  test('keeps each seq once, whatever the source', () => {
    const conv = new Conversation('s1', 'client');
    conv.merge([msg(1), msg(2)]);
    const added = conv.merge([msg(2), msg(3), msg(1)]);
    expect(added.map((m) => m.seq)).toEqual([3]);
    expect(conv.messages().map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  test('ignores messages of another session', () => {
    const conv = new Conversation('s1', 'client');
    conv.merge([msg(1, { session_id: 's2' })]);
    expect(conv.messages()).toEqual([]);
  });

  test('knows the highest contiguous seq and sees a gap', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(4), msg(5)], 'newest', true);
    expect(conv.contiguousSeq).toBe(5);
    expect(conv.hasGap()).toBe(false);
    conv.merge([msg(8)]);
    expect(conv.contiguousSeq).toBe(5);
    expect(conv.hasGap()).toBe(true);
    conv.applyPage([msg(6), msg(7)], 'newer', false);
    expect(conv.contiguousSeq).toBe(8);
    expect(conv.hasGap()).toBe(false);
  });

  test('older pages extend the run downwards and say whether more exist', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(3), msg(4)], 'newest', true);
    expect(conv.hasOlder).toBe(true);
    conv.applyPage([msg(1), msg(2)], 'older', false);
    expect(conv.hasOlder).toBe(false);
    expect(conv.oldestSeq).toBe(1);
    expect(conv.contiguousSeq).toBe(4);
    conv.applyPage([msg(5)], 'newer', true);
    expect(conv.hasOlder).toBe(false);
  });

  test('a confirmed message replaces its optimistic copy', () => {
    const conv = new Conversation('s1', 'client');
    conv.merge([msg(1)]);
    const p = conv.addPending('hello');
    expect(conv.timeline().map((i) => i.kind)).toEqual(['message', 'pending']);
    conv.merge([msg(2, { sender_type: 'client', content: 'hello', client_msg_id: p.clientMsgId })]);
    const items = conv.timeline();
    expect(items.map((i) => i.kind)).toEqual(['message', 'message']);
    expect(conv.pending).toEqual([]);
  });

  test('pending messages follow stored ones, in the order written', () => {
    const conv = new Conversation('s1', 'client');
    conv.addPending('first');
    conv.addPending('second');
    conv.merge([msg(1)]);
    const items = conv.timeline();
    expect(items.map((i) => (i.kind === 'pending' ? i.pending.content : i.message.content))).toEqual([
      'message 1',
      'first',
      'second',
    ]);
  });

  test('failed messages are not unsent; retry queues them again', () => {
    const conv = new Conversation('s1', 'client');
    const p = conv.addPending('x');
    conv.fail(p.clientMsgId, 'closed');
    expect(conv.unsent()).toEqual([]);
    conv.retry(p.clientMsgId);
    expect(conv.unsent().map((u) => u.content)).toEqual(['x']);
  });

  test("check marks follow the other side's marks, which never go back", () => {
    const conv = new Conversation('s1', 'client');
    conv.merge([msg(1, { sender_type: 'client' }), msg(2, { sender_type: 'client' }), msg(3)]);
    const [m1, m2, m3] = conv.messages();
    expect(conv.delivery(m1)).toBe('sent');
    conv.applyMarks('agent', 'delivered', 2);
    expect(conv.delivery(m2)).toBe('delivered');
    conv.applyMarks('agent', 'read', 1);
    expect(conv.delivery(m1)).toBe('read');
    expect(conv.delivery(m2)).toBe('delivered');
    conv.applyMarks('agent', 'delivered', 1);
    expect(conv.delivery(m2)).toBe('delivered');
    expect(conv.delivery(m3)).toBeNull();
    conv.applyMarks('client', 'read', 3);
    expect(conv.peer).toEqual({ delivered: 2, read: 1 });
  });

  test('reading implies delivery', () => {
    const conv = new Conversation('s1', 'agent');
    conv.applyMarks('client', 'read', 4);
    expect(conv.peer).toEqual({ delivered: 4, read: 4 });
  });

  test('unread count and mark targets come from my own marks', () => {
    const conv = new Conversation('s1', 'client');
    conv.merge([msg(1), msg(2, { sender_type: 'client' }), msg(3)]);
    expect(conv.unreadCount()).toBe(2);
    expect(conv.markTarget('read')).toBe(3);
    conv.applyMarks('client', 'read', 3);
    expect(conv.unreadCount()).toBe(0);
    expect(conv.markTarget('read')).toBeNull();
    expect(conv.markTarget('delivered')).toBeNull();
  });

  test('typing names come and go by user', () => {
    const conv = new Conversation('s1', 'client');
    conv.setTyping('a1', 'John', true);
    conv.setTyping('a1', 'John', true);
    expect(conv.whoIsTyping()).toEqual(['John']);
    conv.setTyping('a1', 'John', false);
    expect(conv.whoIsTyping()).toEqual([]);
  });

  test('listeners hear every change', () => {
    const conv = new Conversation('s1', 'client');
    let calls = 0;
    const off = conv.subscribe(() => (calls += 1));
    conv.merge([msg(1)]);
    conv.merge([msg(1)]);
    off();
    conv.merge([msg(2)]);
    expect(calls).toBe(1);
  });
});

// A customer never gets agents' private notes: their seqs are holes in the customer's timeline.
describe('Conversation: seqs a reader never gets', () => {
  test('a gap filled by a page that lacks a seq ends: the seq is a hole, contiguous up to the page', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(4), msg(5)], 'newest', true);
    conv.merge([msg(7)]);
    expect(conv.hasGap()).toBe(true);
    conv.applyPage([msg(7)], 'newer', false);
    expect(conv.hasGap()).toBe(false);
    expect(conv.contiguousSeq).toBe(7);
    expect(conv.markTarget('read')).toBe(7);
  });

  test('a seq missing from a page is a hole, a seq beyond every page is still a gap', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(1), msg(2), msg(4)], 'newest', false);
    expect(conv.contiguousSeq).toBe(4);
    conv.merge([msg(6)]);
    expect(conv.hasGap()).toBe(true);
    expect(conv.contiguousSeq).toBe(4);
  });

  test('the newest page with nothing older covers down to seq 1', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(3), msg(4)], 'newest', false);
    expect(conv.contiguousSeq).toBe(4);
    expect(conv.hasOlder).toBe(false);
  });

  test('an older page joins the loaded run across a hole at the seam', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(10), msg(11)], 'newest', true);
    conv.applyPage([msg(6), msg(7), msg(8)], 'older', true);
    expect(conv.oldestSeq).toBe(6);
    expect(conv.contiguousSeq).toBe(11);
    expect(conv.hasGap()).toBe(false);
  });

  test('a page with nothing new that closes a hole still tells the listeners', () => {
    const conv = new Conversation('s1', 'client');
    conv.applyPage([msg(5)], 'newest', true);
    conv.merge([msg(7)]);
    let calls = 0;
    conv.subscribe(() => (calls += 1));
    conv.applyPage([msg(7)], 'newer', false);
    expect(calls).toBeGreaterThan(0);
  });

  test('what each kind of page answers for', () => {
    expect(pageRange([msg(7), msg(9)], 'newer', false, { after: 5 })).toEqual({ from: 6, to: 9 });
    expect(pageRange([msg(7), msg(9)], 'newest', true)).toEqual({ from: 7, to: 9 });
    expect(pageRange([msg(7), msg(9)], 'newest', false)).toEqual({ from: 1, to: 9 });
    expect(pageRange([msg(3), msg(4)], 'older', true, { before: 7 })).toEqual({ from: 3, to: 6 });
    expect(pageRange([msg(3), msg(4)], 'older', false, { before: 7 })).toEqual({ from: 1, to: 6 });
    expect(pageRange([], 'newer', false, { after: 5 })).toBeNull();
  });

  test('a customer whose history skips a note gets 5, then 7, asks once for the gap and not again', async () => {
    const server = new FakeServer();
    const socket = new FakeSocket(server);
    const chat = new ChatClient(socket, { side: 'client', ackTimeoutMs: 200, retryDelayMs: 5 });
    const stored = (seq: number) => msg(seq, { sender_type: seq === 7 ? 'agent' : 'client' });
    // Seq 6 is an agents' private note: the server never gives it to the customer.
    server.sessions.set('s1', [1, 2, 3, 4, 5].map(stored));
    socket.connect();
    const conv = await chat.open('s1');
    expect(conv.contiguousSeq).toBe(5);

    server.sessions.get('s1')!.push(stored(7));
    server.broadcast('new_message', { message: stored(7) });
    await settle(() => conv.contiguousSeq === 7, 'the hole at 6 is known');
    const asks = () => server.log.filter((e) => e.event === 'get_session_history').length;
    const afterFill = asks();
    expect(server.log.filter((e) => e.event === 'get_session_history' && e.payload.after === 5)).toHaveLength(1);

    // Later messages arrive without asking for seq 6 again; marks move past it.
    for (const seq of [8, 9]) {
      server.sessions.get('s1')!.push(stored(seq));
      server.broadcast('new_message', { message: stored(seq) });
    }
    await settle(() => conv.contiguousSeq === 9, 'seqs 8 and 9');
    expect(asks()).toBe(afterFill);
    expect(conv.hasGap()).toBe(false);
    expect(server.log.filter((e) => e.event === 'mark_delivered').at(-1)?.payload).toEqual({ session_id: 's1', seq: 9 });
    chat.dispose();
  });
});
