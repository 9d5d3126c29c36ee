import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';

/** The parts of socket.io-client's socket the connection uses, with a record of what it was asked. */
class FakeIoSocket {
  connected = false;
  connects = 0;
  disconnects = 0;
  private handlers = new Map<string, ((...args: any[]) => void)[]>();

  on(event: string, handler: (...args: any[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  off(): this {
    return this;
  }
  connect(): this {
    this.connects++;
    return this;
  }
  disconnect(): this {
    this.disconnects++;
    this.connected = false;
    return this;
  }
  /** What socket.io-client would report to the page. */
  fire(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
}

let socket: FakeIoSocket;
vi.mock('socket.io-client', () => ({ io: () => socket }));

beforeAll(() => {
  vi.stubGlobal('window', { addEventListener: () => undefined, removeEventListener: () => undefined });
});

afterAll(() => {
  vi.unstubAllGlobals();
});

beforeEach(() => {
  socket = new FakeIoSocket();
});

async function open() {
  const { openConnection } = await import('./connection');
  const onUnauthorized = vi.fn();
  const connection = openConnection('', 'token', onUnauthorized);
  return { connection, onUnauthorized };
}

describe('openConnection', () => {
  test('asks again at once when the server closes the socket, and a refused token signs out', async () => {
    const { onUnauthorized } = await open();
    socket.fire('disconnect', 'io server disconnect');
    expect(socket.connects).toBe(1);
    expect(onUnauthorized).not.toHaveBeenCalled();
    socket.fire('connect_error', new Error('unauthorized'));
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  test('leaves a lost transport to socket.io, which reconnects by itself', async () => {
    const { onUnauthorized } = await open();
    socket.fire('disconnect', 'transport close');
    socket.fire('disconnect', 'ping timeout');
    expect(socket.connects).toBe(0);
    socket.fire('connect_error', new Error('too_many_connections'));
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  test('does not come back after the page closed it', async () => {
    const { connection } = await open();
    connection.close();
    socket.fire('disconnect', 'io client disconnect');
    expect(socket.disconnects).toBe(1);
    expect(socket.connects).toBe(0);
  });
});
