// The one socket of a page: socket.io-client with the token in the handshake, reconnecting by
// itself. When the browser says it is offline the socket is closed at once (instead of waiting
// for heartbeats to time out) and reopened when the browser is back online; the chat client
// then fills the gap from history. A socket the server closes asks again at once: a signed-out
// token is then refused, which signs the page out (the console first tries a renewed token).

import { io, type Socket } from 'socket.io-client';
import type { SocketPort } from './chat-client';

export interface Connection {
  socket: Socket;
  port: SocketPort;
  close(): void;
}

/**
 * The handshake's token: fixed, or asked for at each (re)connect (the console renews its own;
 * the promise must not reject).
 */
export type HandshakeToken = string | (() => Promise<string>);

/** `origin` '' means the page's own. `onUnauthorized` runs when the server refuses the token. */
export function openConnection(origin: string, token: HandshakeToken, onUnauthorized: () => void): Connection {
  const socket = io(origin || undefined, {
    auth: typeof token === 'string' ? { token } : (send) => void token().then((current) => send({ token: current })),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 10_000,
  });
  socket.on('connect_error', (err: Error) => {
    // A refused handshake is final for socket.io (no automatic retry): the token is bad.
    if (err.message === 'unauthorized') onUnauthorized();
  });
  socket.on('disconnect', (reason: string) => {
    // The server closes a socket whose token it stopped accepting (a device signed out, a
    // password changed) and one that fell behind; socket.io does not come back by itself after
    // the server's close. Asking again reconnects, or is refused as unauthorized just above.
    if (reason === 'io server disconnect') socket.connect();
  });
  const goOffline = () => socket.disconnect();
  const goOnline = () => {
    if (!socket.connected) socket.connect();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  return {
    socket,
    port: socketPort(socket),
    close() {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      socket.disconnect();
    },
  };
}

export function socketPort(socket: Socket): SocketPort {
  return {
    get connected() {
      return socket.connected;
    },
    on: (event, handler) => {
      socket.on(event, handler);
    },
    off: (event, handler) => {
      socket.off(event, handler);
    },
    emit: (event, payload) => {
      socket.emit(event, payload);
    },
    request: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
  };
}
