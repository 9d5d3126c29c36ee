// "John is typing…", announced politely to screen readers.

export function Typing({ names }: { names: string[] }) {
  const text = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  return (
    <div class="typing" aria-live="polite" data-typing={names.length > 0 ? 'true' : 'false'}>
      {text}
    </div>
  );
}
