// Encryption and decryption speed in the browser, with the portal's own code: EncryptingSource
// (age STREAM over @noble/ciphers, SHA-256 with hash-wasm, Padmé padding) and typage's Decrypter,
// as the staff inbox uses it. Run by bench/intake.bench.mjs in Chromium; results on window.
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { EncryptingSource } from '../../packages/intake/src/crypto/encrypting-source.js';
import { newAgeFile } from '../../packages/intake/src/crypto/age-resumable.js';

const MiB = 2 ** 20;

window.runBench = async (bytes) => {
  const block = new Uint8Array(16 * MiB);
  for (let o = 0; o < block.length; o += 65536) crypto.getRandomValues(block.subarray(o, o + 65536));
  const plain = {
    size: bytes,
    async read(offset, length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; ) {
        const at = (offset + i) % block.length;
        const n = Math.min(length - i, block.length - at);
        out.set(block.subarray(at, at + n), i);
        i += n;
      }
      return out;
    },
  };
  const identity = await generateX25519Identity();
  const src = await EncryptingSource.open(plain, await newAgeFile([await identityToRecipient(identity)]));
  const parts = [];
  let t = performance.now();
  for (let o = 0; o < src.size; o += 8 * MiB) parts.push(await src.slice(o, Math.min(src.size, o + 8 * MiB)));
  const encMs = performance.now() - t;
  const d = new Decrypter();
  d.addIdentity(identity);
  t = performance.now();
  const stream = await d.decrypt(new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } }));
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    n += r.value.length;
  }
  const decMs = performance.now() - t;
  return { bytes, encryptMbps: +(bytes / MiB / (encMs / 1000)).toFixed(1), decryptMbps: +(n / MiB / (decMs / 1000)).toFixed(1), userAgent: navigator.userAgent };
};
window.benchReady = true;
