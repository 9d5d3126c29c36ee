// Editing a customer in the panel: name, e-mail (empty forgets it) and custom attributes (add,
// change, remove). Saving renames the customer on their conversations for the whole team.

import { useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import type { Contact, ContactView } from '../shared/types';
import { type AttributeKind, type AttributeRow, type AttributeValue, attributeChanges, rowsOf } from './contact-attributes';
import { useTools } from './tools';

interface Props {
  contact: Contact;
  onSaved: (view: ContactView) => void;
  onCancel: () => void;
}

export function ContactForm({ contact, onSaved, onCancel }: Props) {
  const tools = useTools();
  const original = contact.attributes as Record<string, AttributeValue>;
  const [name, setName] = useState(contact.name);
  const [email, setEmail] = useState(contact.email ?? '');
  const [rows, setRows] = useState<AttributeRow[]>(() => rowsOf(original));
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);

  const setRow = (i: number, change: Partial<AttributeRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));

  async function save(e: Event) {
    e.preventDefault();
    const { changes, problems } = attributeChanges(original, rows);
    if (problems.length) {
      setError(problems.join(' '));
      return;
    }
    setError('');
    setSaving(true);
    try {
      const body = {
        name: name.trim() !== contact.name ? name.trim() : undefined,
        email: email.trim() !== (contact.email ?? '') ? email.trim() || null : undefined,
        attributes: Object.keys(changes).length ? (changes as Record<string, never>) : undefined,
      };
      onSaved(await tools.api.call('put', '/api/contacts/{id}', { path: { id: contact.client_id }, body }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form class="contact-form" onSubmit={save} aria-label="Edit customer">
      <label class="field">
        <span>Name</span>
        <input value={name} required maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>E-mail</span>
        <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <small>Leave empty to forget the address.</small>
      </label>
      <fieldset class="attribute-rows">
        <legend class="label-strong">Attributes</legend>
        {rows.map((row, i) => (
          <div class="attribute-row" key={i}>
            <input aria-label={`Name of attribute ${i + 1}`} value={row.key} placeholder="name" onInput={(e) => setRow(i, { key: e.currentTarget.value })} />
            <select aria-label={`Kind of attribute ${i + 1}`} value={row.kind} onChange={(e) => setRow(i, kindChange(row, e.currentTarget.value as AttributeKind))}>
              <option value="text">Text</option>
              <option value="number">Number</option>
              <option value="flag">Yes / no</option>
            </select>
            {row.kind === 'flag' ? (
              <select aria-label={`Value of attribute ${i + 1}`} value={row.value} onChange={(e) => setRow(i, { value: e.currentTarget.value })}>
                <option value="true">Yes</option>
                <option value="false">No</option>
              </select>
            ) : (
              <input
                aria-label={`Value of attribute ${i + 1}`}
                inputMode={row.kind === 'number' ? 'decimal' : undefined}
                value={row.value}
                placeholder="value"
                onInput={(e) => setRow(i, { value: e.currentTarget.value })}
              />
            )}
            <button type="button" class="btn btn-small" aria-label={`Remove attribute ${row.key || i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" class="btn btn-small" onClick={() => setRows([...rows, { key: '', kind: 'text', value: '' }])}>
          + Attribute
        </button>
      </fieldset>
      {error && (
        <p class="error-text small" role="alert">
          {error}
        </p>
      )}
      <div class="row-actions">
        <button type="submit" class="btn btn-primary" disabled={saving}>
          Save
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A row switched to another kind keeps a value that kind can hold. */
function kindChange(row: AttributeRow, kind: AttributeKind): Partial<AttributeRow> {
  if (kind === 'flag') return { kind, value: row.value === 'true' ? 'true' : 'false' };
  return { kind };
}
