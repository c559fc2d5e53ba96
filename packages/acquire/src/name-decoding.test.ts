import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { decodeName, displayPath } from './name-decoding.js';

const enc = (s: string, e: 'cp866' | 'cp1251') => iconv.encode(s, e);

function unicodeExtra(raw: Buffer, name: string, crcOverride?: number): Buffer {
  const utf8 = Buffer.from(name, 'utf8');
  const b = Buffer.alloc(5 + utf8.length);
  b[0] = 1;
  b.writeUInt32LE(crcOverride ?? crc32(raw), 1);
  utf8.copy(b, 5);
  return b;
}

const RUSSIAN_NAMES = [
  'КАМЕРА 3 ПОДЪЕЗД.mp4',
  'видео_камера.avi',
  'Камера 12 - коридор 2 этаж.dav',
  'ШИЗО_01.06.2023_14-00.mp4',
  'изолятор.264',
  'тип.mp4', // cp866 bytes E2 A8 AF also form valid UTF-8 (U+2A2F)
  'вид.avi', // cp1251 bytes E2 E8 E4 read as cp866 are "тшф": lowercase in both code pages
  'сам 1.avi',
  'ПРОГУЛОЧНЫЙ ДВОР №2 ёлка Ёж.mkv',
  'Запись_20230601_камера7.h264',
  'ДЕЖУРНАЯ ЧАСТЬ',
  'щель',
];

for (const name of RUSSIAN_NAMES) {
  for (const encoding of ['cp866', 'cp1251'] as const) {
    test(`decodeName: ${encoding} «${name}»`, () => {
      const r = decodeName(enc(name, encoding));
      assert.deepEqual(r, { display: name, encoding, lossy: false });
    });
  }
}

test('decodeName: ASCII stays ASCII', () => {
  assert.deepEqual(decodeName(Buffer.from('CAM03_20230601.mp4')), {
    display: 'CAM03_20230601.mp4',
    encoding: 'ascii',
    lossy: false,
  });
});

test('decodeName: valid UTF-8 stays UTF-8, including non-Cyrillic scripts', () => {
  for (const name of ['камера 3.mp4', 'Überwachung.mp4', '监控录像.mp4', 'კამერა.avi', 'video 🎥.mp4']) {
    assert.deepEqual(decodeName(Buffer.from(name, 'utf8')), { display: name, encoding: 'utf-8', lossy: false });
  }
});

test('decodeName: the zip UTF-8 flag is believed for valid UTF-8 even in unusual scripts', () => {
  const raw = Buffer.from('⨯.mp4', 'utf8');
  assert.equal(decodeName(raw, { utf8Flag: true }).display, '⨯.mp4');
  // Without the flag the same bytes read as the cp866 name they almost certainly are.
  assert.deepEqual(decodeName(raw), { display: 'тип.mp4', encoding: 'cp866', lossy: false });
});

test('decodeName: a UTF-8 flag on bytes that are not UTF-8 falls back to the heuristic', () => {
  const raw = enc('КАМЕРА 3 ПОДЪЕЗД.mp4', 'cp866');
  assert.deepEqual(decodeName(raw, { utf8Flag: true }), {
    display: 'КАМЕРА 3 ПОДЪЕЗД.mp4',
    encoding: 'cp866',
    lossy: false,
  });
});

test('decodeName: Info-ZIP Unicode Path extra field wins when its CRC matches the raw name', () => {
  const raw = enc('КАМЕРА.mp4', 'cp866');
  const r = decodeName(raw, { unicodeExtra: unicodeExtra(raw, 'Камера (правильно).mp4') });
  assert.deepEqual(r, { display: 'Камера (правильно).mp4', encoding: 'utf-8-extra-field', lossy: false });
});

test('decodeName: Unicode Path extra field with a stale CRC or unknown version is ignored', () => {
  const raw = enc('КАМЕРА.mp4', 'cp866');
  const stale = unicodeExtra(raw, 'другое имя.mp4', crc32(Buffer.from('old name')));
  assert.deepEqual(decodeName(raw, { unicodeExtra: stale }), { display: 'КАМЕРА.mp4', encoding: 'cp866', lossy: false });
  const v2 = unicodeExtra(raw, 'другое имя.mp4');
  v2[0] = 2;
  assert.equal(decodeName(raw, { unicodeExtra: v2 }).encoding, 'cp866');
});

test('decodeName: bytes that are neither UTF-8 nor Russian fall back to U+FFFD and lossy', () => {
  // Latin-1 "Überwachung_März.avi": cp1251 would read it as "Ьberwachung_Mдrz.avi".
  const r = decodeName(Buffer.from('Überwachung_März.avi', 'latin1'));
  assert.deepEqual(r, { display: '\ufffdberwachung_M\ufffdrz.avi', encoding: 'unknown', lossy: true });
  const junk = decodeName(Buffer.from([0x41, 0xb0, 0xb1, 0xb2, 0x42]));
  assert.equal(junk.encoding, 'unknown');
  assert.equal(junk.lossy, true);
  assert.match(junk.display, /^A\ufffd+B$/);
});

test('decodeName: control characters never reach the display form', () => {
  const r = decodeName(Buffer.from('evil\nname\x1b[31m.mp4'));
  assert.equal(r.display, 'evil\ufffdname\ufffd[31m.mp4');
  assert.equal(r.encoding, 'ascii');
  assert.equal(r.lossy, true);
});

test('decodeName: empty name', () => {
  assert.deepEqual(decodeName(Buffer.alloc(0)), { display: '', encoding: 'ascii', lossy: false });
});

test('displayPath: decodes each component on its own', () => {
  const raw = Buffer.concat([
    Buffer.from('/media/usb/'),
    enc('ДЕЖУРНАЯ ЧАСТЬ', 'cp1251'),
    Buffer.from('/'),
    Buffer.from('камера 1', 'utf8'),
    Buffer.from('/'),
    enc('видео_камера.avi', 'cp866'),
  ]);
  assert.equal(displayPath(raw), '/media/usb/ДЕЖУРНАЯ ЧАСТЬ/камера 1/видео_камера.avi');
});

test('displayPath: undecodable component shows U+FFFD, others intact', () => {
  const raw = Buffer.concat([Buffer.from('/x/'), Buffer.from([0xb0, 0xb1, 0xb2, 0x41]), Buffer.from('/b.mp4')]);
  assert.equal(displayPath(raw), '/x/\ufffd\ufffd\ufffdA/b.mp4');
});
