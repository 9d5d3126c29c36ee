import { describe, expect, test } from 'vitest';
import type { OrganizationDetail } from '../shared/types';
import { fileFormOf, fileSettingsInput, megabytes, usageLine } from './file-settings';

const MB = 1024 * 1024;
const org = (attachments: unknown) => ({ settings: { attachments } }) as unknown as OrganizationDetail;

describe('file settings', () => {
  test('the form shows the saved limit in MB and the kinds taken', () => {
    expect(fileFormOf(org({ max_file_bytes: 25 * MB, types: ['pdf', 'image'] }))).toEqual({ max_mb: '25', types: ['image', 'pdf'] });
    expect(fileFormOf(org({ max_file_bytes: 2.5 * MB, types: [] }))).toEqual({ max_mb: '2.5', types: [] });
  });

  test('an organization that says nothing has the defaults: 10 MB, every kind', () => {
    expect(fileFormOf({ settings: null } as unknown as OrganizationDetail)).toEqual({
      max_mb: '10',
      types: ['image', 'pdf', 'text', 'office', 'archive'],
    });
  });

  test('sent as bytes, kinds in a stable order', () => {
    expect(fileSettingsInput({ max_mb: '5', types: ['office', 'image'] }, null)).toEqual({
      settings: { attachments: { max_file_bytes: 5 * MB, types: ['image', 'office'] } },
    });
    expect(fileSettingsInput({ max_mb: ' 1,5 ', types: [] }, 10 * MB)).toEqual({
      settings: { attachments: { max_file_bytes: 1.5 * MB, types: [] } },
    });
  });

  test('a size that is not a positive number, or above this server’s limit, is refused by its field', () => {
    const field = 'settings.attachments.max_file_bytes';
    for (const max_mb of ['', 'ten', '0', '-3']) {
      expect(fileSettingsInput({ max_mb, types: [] }, null)).toEqual({ errors: { [field]: 'enter a size in MB, such as 10.' } });
    }
    expect(fileSettingsInput({ max_mb: '30', types: [] }, 20 * MB)).toEqual({
      errors: { [field]: "must be at most 20 MB, this server's limit." },
    });
    expect('settings' in fileSettingsInput({ max_mb: '20', types: [] }, 20 * MB)).toBe(true);
  });

  test('megabytes to two decimals at most', () => {
    expect(megabytes(10 * MB)).toBe('10');
    expect(megabytes(1234567)).toBe('1.18');
  });

  test('the storage line', () => {
    expect(usageLine({ used_bytes: 1.2 * MB, files: 3, quota_bytes: 1024 * MB, max_file_bytes_limit: 10 * MB })).toBe('1.2 MB of 1 GB used, 3 files');
    expect(usageLine({ used_bytes: 0, files: 1, quota_bytes: 0, max_file_bytes_limit: 10 * MB })).toBe('0 bytes used, 1 file');
  });
});
