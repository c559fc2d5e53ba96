import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseOverlayLabel } from './facility.types.js';

describe('normaliseOverlayLabel', () => {
  it('folds case, spacing, punctuation and Latin look-alikes of Cyrillic letters', () => {
    const want = normaliseOverlayLabel('КАМЕРА 3 ПОДЪЕЗД');
    for (const read of [' камера-3   подъезд ', 'KAMEPA 3 ПОДЪЕЗД', 'Камера 3, подъезд.', 'КАМЁРА 3 ПОДЪЕЗД']) assert.equal(normaliseOverlayLabel(read), want, read);
    assert.notEqual(normaliseOverlayLabel('КАМЕРА 8 ПОДЪЕЗД'), want);
  });
  it('leaves Latin words with letters Cyrillic lacks alone, and folds both sides of a match the same way', () => {
    assert.equal(normaliseOverlayLabel('CAM 03 Yard'), normaliseOverlayLabel('cam 03 YARD'));
    assert.ok(normaliseOverlayLabel('CAM 03 Yard').endsWith(' 03 yard'));
    assert.equal(normaliseOverlayLabel(''), '');
  });
});
