// The top bar's word on the connection to the server: shown while it is lost (or could not be
// made at all since the page loaded), gone as soon as it is back. The live region is always in
// the page, so screen readers announce the change of its text.

import type { Socket } from 'socket.io-client';
import { useEffect, useState } from 'preact/hooks';
import type { ChatClient } from '../shared/chat-client';
import { useObservable } from '../shared/hooks';

export function ConnectionStatus({ chat, socket }: { chat: ChatClient; socket: Socket }) {
  useObservable(chat);
  const failed = useConnectFailed(socket);
  const text = chat.connected ? '' : chat.everConnected ? 'Reconnecting…' : failed ? 'Connecting…' : '';
  return (
    <span class="conn-status" role="status">
      {text ? <span class="conn-lost">{text}</span> : null}
    </span>
  );
}

/** Whether the last attempt to connect failed (until one succeeds). */
function useConnectFailed(socket: Socket): boolean {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const onError = () => setFailed(true);
    const onConnect = () => setFailed(false);
    socket.on('connect_error', onError);
    socket.on('connect', onConnect);
    return () => {
      socket.off('connect_error', onError);
      socket.off('connect', onConnect);
    };
  }, [socket]);
  return failed;
}
