// Admins manage the organization's labels: create one (name and colour), rename or recolour it,
// delete it (it leaves every conversation). Loaded when first opened.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { safeColor } from '../shared/color';
import { useObservable } from '../shared/hooks';
import type { Label } from '../shared/types';
import { ConfirmDialog } from './ConfirmDialog';
import { LabelChip } from './LabelChip';
import { useTools } from './tools';

const SUGGESTED = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export function LabelsAdmin() {
  const tools = useTools();
  const { labels } = tools;
  useObservable(labels);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void labels.load().catch((e) => setStatus({ ok: false, text: errorText(e) }));
  }, []);

  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setStatus(null);
    try {
      await action();
      setStatus({ ok: true, text: done });
      return true;
    } catch (e) {
      setStatus({ ok: false, text: errorText(e) });
      return false;
    }
  }

  return (
    <div class="admin labels-admin">
      <h1>Labels</h1>
      <p class="muted">
        Agents put labels on conversations to sort them (billing, bug, VIP…) and filter the lists by them. At most 100 labels, 10 on a
        conversation.
      </p>
      <p class={status?.ok ? 'ok-text' : 'error-text'} role="status">
        {status?.text ?? ''}
      </p>
      {labels.loaded && labels.labels.length === 0 && <p class="muted">No labels yet: create the first one below.</p>}
      <ul class="admin-list">
        {labels.labels.map((l) => (
          <LabelRow key={l.id} label={l} run={run} />
        ))}
      </ul>
      <NewLabel run={run} nextColor={SUGGESTED[labels.labels.length % SUGGESTED.length]} />
    </div>
  );
}

type Run = (action: () => Promise<unknown>, done: string) => Promise<boolean>;

function LabelRow({ label, run }: { label: Label; run: Run }) {
  const tools = useTools();
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState(safeColor(label.color));
  const [confirming, setConfirming] = useState(false);
  const changed = name.trim() !== label.name || color !== safeColor(label.color);
  return (
    <li class="admin-row" data-label-row={label.name}>
      <span class="label-preview">
        <LabelChip label={{ ...label, name: name.trim() || label.name, color }} />
      </span>
      <form
        class="inline-form label-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => tools.labels.update(label.id, name.trim(), color), `Saved ${name.trim()}.`);
        }}
      >
        <input aria-label={`Name of ${label.name}`} value={name} maxLength={40} required onInput={(e) => setName(e.currentTarget.value)} />
        <input type="color" aria-label={`Colour of ${label.name}`} value={color} onInput={(e) => setColor(e.currentTarget.value)} />
        <button type="submit" class="btn" disabled={!changed}>
          Save
        </button>
        <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>
          Delete
        </button>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Delete the label ${label.name}?`}
          confirmLabel="Delete label"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run(() => tools.labels.remove(label.id), `Deleted ${label.name}.`);
          }}
        >
          <p>It is taken off every conversation that has it. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

function NewLabel({ run, nextColor }: { run: Run; nextColor: string }) {
  const tools = useTools();
  const [name, setName] = useState('');
  const [color, setColor] = useState<string | null>(null);
  const chosen = color ?? nextColor;
  return (
    <form
      class="admin-create"
      aria-labelledby="new-label-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const created = name.trim();
        if (await run(() => tools.labels.create(created, chosen), `Created ${created}.`)) {
          setName('');
          setColor(null);
        }
      }}
    >
      <h2 id="new-label-title">New label</h2>
      <div class="inline-form">
        <label class="field grow">
          <span>Name</span>
          <input value={name} maxLength={40} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Colour</span>
          <input type="color" value={chosen} onInput={(e) => setColor(e.currentTarget.value)} />
        </label>
      </div>
      <button type="submit" class="btn btn-primary">
        Create label
      </button>
    </form>
  );
}
