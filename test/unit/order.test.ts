/** The orders people see (core/order.ts): numbers by value, as ICU's English collation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareLabels, comparePaths } from '../../src/core/order';

const NAMES = [
  '10_style/a',
  '2_style/a',
  '1_style/b',
  '1_style/a',
  'extra_set',
  'Extra_set',
  'é_style',
  'e_style',
  '02_style',
  'V10',
  'v9',
  'V9',
];

describe('comparePaths and compareLabels', () => {
  test('comparePaths sorts as localeCompare(b, "en", { numeric: true }): 2_style before 10_style', () => {
    const sorted = [...NAMES].sort(comparePaths);
    assert.deepEqual(
      sorted,
      [...NAMES].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    );
    assert.ok(sorted.indexOf('2_style/a') < sorted.indexOf('10_style/a'));
    assert.ok(sorted.indexOf('1_style/a') < sorted.indexOf('1_style/b'));
  });

  test('compareLabels is case- and accent-blind, numbers by value', () => {
    assert.equal(compareLabels('v9', 'V9'), 0);
    assert.equal(compareLabels('é', 'e'), 0);
    assert.ok(compareLabels('V9', 'V10') < 0);
    assert.ok(comparePaths('v9', 'V9') !== 0, 'the path order does tell case apart');
  });
});
