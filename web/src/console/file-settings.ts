// The organization's file settings as the form holds them (the largest file in MB, the kinds of
// file taken) and back as the API takes them (bytes), and how its storage use reads. Pure.

import { type AttachmentUsage, FILE_GROUPS, type FileGroup, type FileSettings, fileSettingsOf } from '../shared/attachments';
import { humanSize } from '../shared/file-info';
import type { OrganizationDetail } from '../shared/types';
import type { FieldErrors } from './FieldError';

const MB = 1024 * 1024;
export const MAX_BYTES_FIELD = 'settings.attachments.max_file_bytes';

export interface FileForm {
  /** The largest file, in MB as typed. */
  max_mb: string;
  types: FileGroup[];
}

export const GROUP_LABELS: Record<FileGroup, { label: string; help: string }> = {
  image: { label: 'Images', help: 'PNG, JPEG, GIF, WebP; shown in the conversation' },
  pdf: { label: 'PDF', help: 'PDF documents' },
  text: { label: 'Text', help: 'plain text files' },
  office: { label: 'Office documents', help: 'Word, Excel, PowerPoint, OpenDocument' },
  archive: { label: 'Archives', help: 'ZIP, gzip, 7-Zip, RAR, tar' },
};

/** "10", "2.5": bytes in MB, to at most two decimals. */
export function megabytes(bytes: number): string {
  return String(Math.round((bytes / MB) * 100) / 100);
}

/** The organization's file settings as saved (all kinds, 10 MB when it does not say). */
export function fileFormOf(org: OrganizationDetail): FileForm {
  const saved = fileSettingsOf(org.settings) ?? fileSettingsOf(org);
  return {
    max_mb: megabytes(saved?.max_file_bytes ?? 10 * MB),
    types: FILE_GROUPS.filter((g) => (saved ? saved.types.includes(g) : true)),
  };
}

/** The settings to send, or the field the form finds wrong; `limitBytes`: this server's most, when known. */
export function fileSettingsInput(form: FileForm, limitBytes: number | null): { settings: { attachments: FileSettings } } | { errors: FieldErrors } {
  const mb = Number(form.max_mb.trim().replace(',', '.'));
  if (!form.max_mb.trim() || !Number.isFinite(mb) || mb <= 0) return { errors: { [MAX_BYTES_FIELD]: 'enter a size in MB, such as 10.' } };
  const bytes = Math.round(mb * MB);
  if (limitBytes !== null && bytes > limitBytes) {
    return { errors: { [MAX_BYTES_FIELD]: `must be at most ${megabytes(limitBytes)} MB, this server's limit.` } };
  }
  return { settings: { attachments: { max_file_bytes: bytes, types: FILE_GROUPS.filter((g) => form.types.includes(g)) } } };
}

/** "1.2 MB of 1 GB used, 3 files" (without a quota: "1.2 MB used, 3 files"). */
export function usageLine(usage: AttachmentUsage): string {
  const used = humanSize(usage.used_bytes);
  const files = usage.files === 1 ? '1 file' : `${usage.files.toLocaleString('en-US')} files`;
  return usage.quota_bytes > 0 ? `${used} of ${humanSize(usage.quota_bytes)} used, ${files}` : `${used} used, ${files}`;
}
