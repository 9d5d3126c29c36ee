// What the composer offers for the word being typed: canned replies (shown as they will be
// inserted, placeholders filled) or teammates to mention.

import { preview } from '../shared/format';
import type { Agent, CannedReply } from '../shared/types';
import { type PlaceholderValues, fillPlaceholders, isPersonal } from './canned';
import type { CannedStore } from './canned-store';
import { Suggestions } from './Suggestions';
import type { Picker } from './suggest';

interface Props {
  picker: Picker;
  active: number;
  values: PlaceholderValues;
  canned: CannedStore;
  onChoose: (index: number) => void;
}

export function ComposerSuggestions({ picker, active, values, canned, onChoose }: Props) {
  const items: (CannedReply | Agent)[] = picker.items;
  return (
    <Suggestions
      label={picker.kind === 'canned' ? 'Canned replies' : 'Teammates'}
      items={items}
      active={active}
      keyOf={(item) => item.id}
      render={(item) =>
        picker.kind === 'canned' ? (
          <CannedOption reply={item as CannedReply} text={fillPlaceholders((item as CannedReply).content, values)} />
        ) : (
          <TeammateOption agent={item as Agent} />
        )
      }
      onChoose={(item) => onChoose(items.indexOf(item))}
      empty={emptyText(picker, canned)}
    />
  );
}

function emptyText(picker: Picker, canned: CannedStore): string {
  if (picker.kind === 'mention') return `No teammate matches @${picker.trigger.query}.`;
  if (!canned.loaded) return 'Loading canned replies…';
  if (canned.replies.length === 0) return 'No canned replies yet: add them on the Canned replies page.';
  return `No canned reply matches /${picker.trigger.query}.`;
}

function CannedOption({ reply, text }: { reply: CannedReply; text: string }) {
  return (
    <>
      <span class="suggestion-title">
        /{reply.shortcut}
        <span class="suggestion-tag">{isPersonal(reply) ? 'Personal' : 'Shared'}</span>
      </span>
      <span class="suggestion-detail">{preview(text, 90)}</span>
    </>
  );
}

function TeammateOption({ agent }: { agent: Agent }) {
  return (
    <span class="suggestion-title">
      <span class={agent.online ? 'dot dot-online' : 'dot'} aria-hidden="true" /> {agent.name}
      {!agent.online && <span class="suggestion-tag">offline</span>}
    </span>
  );
}
