import { describe, expect, test } from 'vitest';
import { MAX_MESSAGE_CHARS, customerLastLine, lengthOfLimit, messageLength, messagePreview, preview, textOrFiles } from './format';

describe('messageLength', () => {
  test('counts characters of the trimmed text, as the server does', () => {
    expect(messageLength('  hello \n')).toBe(5);
    expect(messageLength('é'.repeat(MAX_MESSAGE_CHARS))).toBe(MAX_MESSAGE_CHARS);
    // One character outside the Basic Multilingual Plane is two UTF-16 units but one character.
    expect(messageLength('😀😀')).toBe(2);
  });
});

describe('lengthOfLimit', () => {
  test('groups thousands', () => {
    expect(lengthOfLimit(4012)).toBe('4,012 / 4,000');
    expect(lengthOfLimit(12, 40)).toBe('12 / 40');
  });
});

describe('messagePreview', () => {
  const base = { content: 'Where is my order?\nIt was due Monday.' };

  test("shows the customer's and the agent's messages, first line", () => {
    expect(messagePreview({ ...base, sender_type: 'client' })).toBe('Where is my order?');
    expect(messagePreview({ ...base, sender_type: 'agent' }, 10)).toBe(preview('Where is my order?', 10));
  });

  test('never a system note', () => {
    expect(messagePreview({ sender_type: 'system', content: 'John Smith joined the conversation' })).toBeNull();
  });

  test('a private note says so', () => {
    expect(messagePreview({ sender_type: 'agent', content: 'VIP customer', internal: true })).toBe('Note: VIP customer');
  });
});

describe('customerLastLine', () => {
  const said = (sender_type: string, content: string) => ({ sender_type, content });
  test('what people last wrote, "You: " for the customer', () => {
    expect(customerLastLine({ last_message: said('agent', 'It ships today.\nThanks') })).toBe('It ships today.');
    expect(customerLastLine({ last_message: said('client', 'Where is it?') })).toBe('You: Where is it?');
    expect(customerLastLine({ last_message: null })).toBe('No message yet');
  });

  test('a note (who closed it) gives way to the last message people wrote', () => {
    expect(customerLastLine({ last_message: said('system', 'John closed the conversation'), preview: said('agent', 'Bye!') })).toBe('Bye!');
    expect(customerLastLine({ last_message: said('system', 'John closed the conversation'), preview: null })).toBe('No message yet');
  });
});

describe('messages of files alone', () => {
  test('read as their files’ names in lists', () => {
    const files = [{ name: 'photo.png' }, { name: 'invoice.pdf' }];
    expect(textOrFiles({ content: '', attachments: files })).toBe('📎 photo.png, invoice.pdf');
    expect(textOrFiles({ content: 'See these', attachments: files })).toBe('See these');
    expect(textOrFiles({ content: '' })).toBe('');
    expect(messagePreview({ sender_type: 'agent', content: '', internal: true, attachments: [{ name: 'log.txt' }] })).toBe('Note: 📎 log.txt');
    expect(customerLastLine({ last_message: { sender_type: 'client', content: '', attachments: files } })).toBe('You: 📎 photo.png, invoice.pdf');
  });
});
