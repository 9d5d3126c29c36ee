import { describe, expect, test } from 'vitest';
import { cleanCode, groupSecret, recoveryCodesText } from './second-factor';

describe('groupSecret', () => {
  test('groups the secret in fours', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
  });

  test('leaves a shorter last group', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });

  test('regroups a secret that came with spaces, in capitals', () => {
    expect(groupSecret(' jbs wy3d pehp ')).toBe('JBSW Y3DP EHP');
  });

  test('an empty secret stays empty', () => {
    expect(groupSecret('')).toBe('');
  });
});

describe('cleanCode', () => {
  test("drops the spaces of an app's code", () => {
    expect(cleanCode(' 123 456 ')).toBe('123456');
  });

  test('keeps a recovery code, trimmed and in small letters', () => {
    expect(cleanCode('  AB3D-efgh ')).toBe('ab3d-efgh');
  });
});

describe('recoveryCodesText', () => {
  test('one code a line', () => {
    expect(recoveryCodesText(['aaaa-bbbb', 'cccc-dddd'])).toBe('aaaa-bbbb\ncccc-dddd\n');
  });
});
