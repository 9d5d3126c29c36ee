// Files in conversations as the front end uses them: the wire shapes (uploads, what messages
// carry, signed links, the organization's choices and storage use) from the OpenAPI document,
// named here once, and how to read them from objects that may predate files.

import type { components } from './generated/api';
import type { Message } from './types';

type Schemas = components['schemas'];

export type AttachmentKind = Schemas['FileKind'];
/** The groups of file types an organization may accept. */
export type FileGroup = Schemas['FileGroup'];
/** A file as a message carries it. */
export type AttachmentRef = Schemas['AttachmentRef'];
/** An uploaded file (`POST /api/sessions/{id}/attachments` answers `{ attachment }`). */
export type Attachment = Schemas['AttachmentView'];
/** A short-lived signed link (`GET /api/attachments/{id}/link`); paths are relative to the server. */
export type AttachmentLink = Schemas['AttachmentLink'];
/** An organization's choices about files (the public profile's and the settings' `attachments`). */
export type FileSettings = Schemas['FileSettings'];
/** The organization's storage (`GET /api/attachments/usage`, admins); `quota_bytes` 0: no limit. */
export type AttachmentUsage = Schemas['StorageUsage'];

export const FILE_GROUPS: FileGroup[] = ['image', 'pdf', 'text', 'office', 'archive'];

/** Most files one message carries. */
export const MAX_FILES_PER_MESSAGE = 10;

/** A message's files (none for a message stored before files existed). */
export function attachmentsOf(message: Pick<Message, 'content'> & { attachments?: AttachmentRef[] | null }): AttachmentRef[] {
  return message.attachments ?? [];
}

/** The organization's file choices (null: this server takes no files). */
export function fileSettingsOf(holder: { attachments?: FileSettings | null } | null | undefined): FileSettings | null {
  return holder?.attachments ?? null;
}
