import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOverlayTime, withoutOverlayTime } from './overlay-time.parser.js';

const at = (s: string) => parseOverlayTime(s)?.matched ?? null;

test('reads the common DVR date and time orders', () => {
  assert.equal(at('2024-03-15 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('2024/03/15 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('15.03.2024 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('15-03-2024 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('03/15/2024 02:21:52 PM'), '2024-03-15 14:21:52');
  assert.equal(at('03/15/2024 12:05:00 AM'), '2024-03-15 00:05:00');
  assert.equal(at('03/15/2024 12:05:00 pm'), '2024-03-15 12:05:00');
  // Day first when the first field cannot be a month.
  assert.equal(at('15/03/2024 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(parseOverlayTime('03/15/2024 02:21:52 PM')?.order, 'mdy');
  assert.equal(parseOverlayTime('15.03.2024 14:21:52')?.order, 'dmy');
});

test('ignores weekday words in English and Russian, and text around the clock', () => {
  assert.equal(at('Fri 2024-03-15 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('2024/03/15 Fri 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('ПТ 15.03.2024 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('Пятница 15.03.2024 14:21:52'), '2024-03-15 14:21:52');
  assert.equal(at('CAM 3 15.03.2024 14:21:52 ПОДЪЕЗД'), '2024-03-15 14:21:52');
  assert.equal(withoutOverlayTime('CAM 3 Fri 15.03.2024 14:21:52'), 'CAM 3');
});

test('repairs OCR confusions inside digit fields only', () => {
  assert.equal(at('2O24-O3-l5 l4:2l:S2'), '2024-03-15 14:21:52');
  assert.equal(parseOverlayTime('2024-03-15 14:21:B2'), null); // 82 seconds
  assert.equal(at('2024-03-15 14:21:5B'), '2024-03-15 14:21:58');
  assert.equal(parseOverlayTime('2O24-O3-l5 l4:2l:S2')?.repaired, 6);
  // Separators misread as other punctuation.
  assert.equal(at('2024-03-15 14.21.52'), '2024-03-15 14:21:52');
  assert.equal(at('2024-03-1514:21:52'), '2024-03-15 14:21:52');
  // One separator of the date lost.
  assert.equal(at('2023/0419 Wee 20:52:28'), '2023-04-19 20:52:28');
  assert.equal(at('19.042023 20:52:28'), '2023-04-19 20:52:28');
});

test('refuses what is not a real date or time', () => {
  assert.equal(parseOverlayTime('CAM 3 КАМЕРА 3'), null);
  assert.equal(parseOverlayTime('2024-02-30 10:00:00'), null);
  assert.equal(parseOverlayTime('2024-13-01 10:00:00'), null);
  assert.equal(parseOverlayTime('2024-03-15 24:00:00'), null);
  assert.equal(parseOverlayTime('2024-03-15'), null);
  assert.equal(parseOverlayTime('03/15/2024 13:21:52 PM'), null);
  assert.equal(parseOverlayTime(''), null);
});
