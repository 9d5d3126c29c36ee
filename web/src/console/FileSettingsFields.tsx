// Files in the settings form: the largest file a customer or an agent may send (in MB, within
// this server's limit), the kinds of file taken (none: no paperclip for customers), and how much
// of the organization's storage its files use.

import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from '../shared/api';
import { type AttachmentUsage, FILE_GROUPS } from '../shared/attachments';
import { FieldError, type FieldErrors, invalidProps } from './FieldError';
import { type FileForm, GROUP_LABELS, MAX_BYTES_FIELD, megabytes, usageLine } from './file-settings';

interface Props {
  value: FileForm;
  errors: FieldErrors;
  onChange: (value: FileForm) => void;
  /** This server's storage use and limits, once read. */
  usage: AttachmentUsage | null;
  usageError: string;
}

/** The organization's storage use and this server's limits (admins). */
export function useFileUsage(api: Api): { usage: AttachmentUsage | null; error: string } {
  const [usage, setUsage] = useState<AttachmentUsage | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.call('get', '/api/attachments/usage').then(setUsage, (e) => setError(errorText(e)));
  }, [api]);
  return { usage, error };
}

export function FileSettingsFields({ value, errors, onChange, usage, usageError }: Props) {
  const limit = usage?.max_file_bytes_limit;
  return (
    <fieldset class="settings-section" data-file-settings="">
      <legend>Files</legend>
      <p class="muted small" data-file-usage="" role="status">
        {usage ? usageLine(usage) : usageError ? `Storage use unknown: ${usageError}` : ''}
      </p>
      <label class="field">
        <span class="label-strong">Largest file (MB)</span>
        <input
          type="number"
          name="max_file_mb"
          step="any"
          value={value.max_mb}
          onInput={(e) => onChange({ ...value, max_mb: e.currentTarget.value })}
          {...invalidProps(errors, MAX_BYTES_FIELD, 'max-file-help')}
        />
        <small id="max-file-help">
          Per file, for customers and agents{limit ? `; at most ${megabytes(limit)} MB on this server` : ''}. Images are made smaller
          when stored.
        </small>
        <FieldError errors={errors} field={MAX_BYTES_FIELD} />
      </label>
      <fieldset class="file-kinds">
        <legend class="label-strong">Kinds of file accepted</legend>
        {FILE_GROUPS.map((group) => (
          <div class="check" key={group}>
            <input
              type="checkbox"
              id={`file-kind-${group}`}
              name="file_types"
              value={group}
              checked={value.types.includes(group)}
              aria-describedby={`file-kind-${group}-help`}
              onChange={(e) =>
                onChange({ ...value, types: e.currentTarget.checked ? [...value.types, group] : value.types.filter((g) => g !== group) })
              }
            />
            <div>
              <label for={`file-kind-${group}`}>{GROUP_LABELS[group].label}</label>
              <small id={`file-kind-${group}-help`} class="muted">
                {GROUP_LABELS[group].help}
              </small>
            </div>
          </div>
        ))}
        <small class="muted">None: customers cannot attach files, and the paperclip is hidden.</small>
      </fieldset>
    </fieldset>
  );
}
