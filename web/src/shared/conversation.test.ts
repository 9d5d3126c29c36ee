import { describe, expect, test } from 'vitest';
import { Conversation } from './conversation';
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
