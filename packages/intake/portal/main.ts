// The source portal. Plain TypeScript; the only third-party code is the bundled crypto and tus libraries.
import { IntakeClient, IntakeError, fromB64, toB64, type FileResumeState } from '../src/client/intake-client.js';
import { generateCodename, normalizeCodename } from '../src/crypto/codename.js';
import type { ManifestFile } from '../src/crypto/manifest.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string) => {
  for (const s of ['start', 'codename', 'workspace']) $(s).hidden = s !== id;
};
const status = (text: string, error = false) => {
  const el = $('status');
  el.textContent = text;
  el.className = error ? 'error' : '';
};

const client = new IntakeClient(location.origin);
let codename = '';
let selected: { file: File; path: string }[] = [];
let pausing: AbortController | null = null;

/**
 * Resume state lives in localStorage only encrypted (AES-GCM) under a key derived from the
 * codename: on a seized laptop it reveals neither file names, nor upload addresses, nor the file
 * keys, only that something is stored for this site. (Tor Browser clears it when closed anyway.)
 */
interface PendingBatch {
  batchId: string;
  files: { path: string; size: number; mtime: string | null; state: FileResumeState | null; done: ManifestFile | null }[];
}
const STATE_KEY = 'custodia-intake-resume';

async function stateKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', client.keys!.localStateKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
}
async function saveState(p: PendingBatch | null): Promise<void> {
  if (!p) return localStorage.removeItem(STATE_KEY);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await stateKey(), new TextEncoder().encode(JSON.stringify(p))));
  localStorage.setItem(STATE_KEY, `${toB64(iv)}.${toB64(ct)}`);
}
async function loadState(): Promise<PendingBatch | null> {
  const raw = localStorage.getItem(STATE_KEY);
  if (!raw) return null;
  try {
    const [iv, ct] = raw.split('.');
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64(iv!) as Uint8Array<ArrayBuffer> }, await stateKey(), fromB64(ct!) as Uint8Array<ArrayBuffer>);
    return JSON.parse(new TextDecoder().decode(pt)) as PendingBatch;
  } catch {
    return null; // another codename's state, or damaged: ignore it
  }
}

// --- first visit -------------------------------------------------------------------------------
$('first-visit').addEventListener('click', async () => {
  codename = generateCodename();
  $('codename-words').textContent = codename;
  const channels = (await client.call<{ name: string; title: string }[]>('GET', '/api/channels')) ?? [];
  const sel = $<HTMLSelectElement>('channel');
  sel.replaceChildren(...channels.map((c) => Object.assign(document.createElement('option'), { value: c.name, textContent: c.title })));
  show('codename');
});
const checkConfirm = () => {
  const words = codename.split(' ');
  const typed = $<HTMLInputElement>('confirm-words').value.trim().toLowerCase().split(/\s+/).join(' ');
  $<HTMLButtonElement>('codename-continue').disabled = !($<HTMLInputElement>('confirm-saved').checked && typed === words.slice(-2).join(' '));
};
$('confirm-words').addEventListener('input', checkConfirm);
$('confirm-saved').addEventListener('change', checkConfirm);
$('codename-continue').addEventListener('click', async () => {
  try {
    await client.create($<HTMLSelectElement>('channel').value, codename);
    $('codename-words').textContent = '';
    await enterWorkspace();
  } catch (e) {
    alert(messageOf(e));
  }
});

// --- coming back ---------------------------------------------------------------------------------
$('signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('signin-codename');
  try {
    codename = normalizeCodename(input.value);
    await client.signIn(codename);
    input.value = '';
    await enterWorkspace();
  } catch (e) {
    alert(messageOf(e));
  }
});

async function enterWorkspace(): Promise<void> {
  show('workspace');
  await refreshMessages();
  const pending = await loadState();
  const note = $('resume-note');
  if (pending && pending.files.some((f) => !f.done)) {
    note.hidden = false;
    note.textContent = `An upload was interrupted (${pending.files.filter((f) => !f.done).length} of ${pending.files.length} files left). Choose the same folder or files again: it continues where it stopped.`;
  } else if (pending) {
    // Every file arrived but the page closed before the batch was sealed: nothing needs choosing again.
    note.hidden = false;
    note.textContent = `An upload was interrupted after all ${pending.files.length} file(s) arrived. Finishing it…`;
    try {
      await sealPending(pending);
      note.hidden = true;
    } catch (e) {
      note.textContent = `An upload was interrupted after all its files arrived, and could not be finished: ${messageOf(e)}. Sign in again later to retry.`;
    }
  } else note.hidden = true;
}

// --- choosing and sending files -----------------------------------------------------------------
const onPick = (input: HTMLInputElement) => () => {
  selected = Array.from(input.files ?? []).map((file) => ({ file, path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name }));
  const total = selected.reduce((n, s) => n + s.file.size, 0);
  $('selection').textContent = `${selected.length} file(s), ${fmtBytes(total)}`;
  $<HTMLButtonElement>('send').disabled = selected.length === 0;
};
$('pick-folder').addEventListener('change', onPick($('pick-folder')));
$('pick-files').addEventListener('change', onPick($('pick-files')));
$('pause').addEventListener('click', () => pausing?.abort());

$('send').addEventListener('click', async () => {
  $<HTMLButtonElement>('send').disabled = true;
  $('pause').hidden = false;
  pausing = new AbortController();
  try {
    await sendSelected(pausing.signal);
  } catch (e) {
    status(e instanceof IntakeError && e.message === 'upload paused' ? 'Paused. Choose the same files again and press send to continue.' : messageOf(e), true);
  } finally {
    $('pause').hidden = true;
    $<HTMLButtonElement>('send').disabled = selected.length === 0;
  }
});

async function sendSelected(signal: AbortSignal): Promise<void> {
  let pending = await loadState();
  const key = (p: string, size: number) => `${p}\u0000${size}`;
  const sameSelection = pending && pending.files.every((f) => selected.some((s) => key(s.path, s.file.size) === key(f.path, f.size)));
  if (!pending || !sameSelection) {
    pending = {
      batchId: await client.newBatch(),
      files: selected.map((s) => ({ path: s.path, size: s.file.size, mtime: s.file.lastModified ? new Date(s.file.lastModified).toISOString() : null, state: null, done: null })),
    };
    await saveState(pending);
  }
  const list = $('files');
  list.replaceChildren();
  const totalBytes = pending.files.reduce((n, f) => n + f.size, 0);
  let doneBytes = pending.files.filter((f) => f.done).reduce((n, f) => n + f.size, 0);
  const started = performance.now();
  const startedBytes = doneBytes;
  for (const entry of pending.files) {
    const li = document.createElement('li');
    li.textContent = `${entry.path}: ${entry.done ? 'sent' : 'waiting'}`;
    list.append(li);
    if (entry.done) continue;
    const file = selected.find((s) => key(s.path, s.file.size) === key(entry.path, entry.size))!.file;
    const fileStart = performance.now();
    let fileStartSent = -1;
    const done = await client.uploadFile(pending.batchId, fileReaderOf(file), {
      path: entry.path,
      mtime: entry.mtime,
      resume: entry.state ?? undefined,
      signal,
      onResumeState: (s) => {
        entry.state = s;
        void saveState(pending);
      },
      onProgress: ({ sent, total }) => {
        if (fileStartSent < 0) fileStartSent = sent;
        const frac = total > 0 ? sent / total : 1;
        const plainSent = Math.round(frac * entry.size);
        const secs = (performance.now() - fileStart) / 1000;
        const rate = secs > 0 ? (sent - fileStartSent) / secs : 0;
        li.textContent = `${entry.path}: ${Math.floor(frac * 100)} %  ${fmtBytes(rate)}/s  ETA ${eta(total - sent, rate)}`;
        const all = doneBytes + plainSent;
        const allRate = (all - startedBytes) / Math.max(0.001, (performance.now() - started) / 1000);
        $('overall').textContent = `Overall: ${fmtBytes(all)} of ${fmtBytes(totalBytes)} (${Math.floor((all / Math.max(1, totalBytes)) * 100)} %)  ${fmtBytes(allRate)}/s  ETA ${eta(totalBytes - all, allRate)}`;
      },
    });
    entry.done = done;
    doneBytes += entry.size;
    li.textContent = `${entry.path}: sent`;
    await saveState(pending);
  }
  await sealPending(pending);
}

/** Seals a batch whose files have all arrived (the encrypted manifest), forgets the resume state, shows the receipt. */
async function sealPending(pending: PendingBatch): Promise<void> {
  status('Sealing the batch…');
  let receipt: string;
  try {
    receipt = (await client.sealBatch(pending.batchId, pending.files.map((f) => f.done!))).receipt;
  } catch (e) {
    // 409: the manifest reached the server before the page closed; its receipt is kept there.
    const kept = e instanceof IntakeError && e.status === 409 ? await client.receiptOf(pending.batchId) : null;
    if (kept === null) throw e;
    receipt = kept;
  }
  await saveState(null);
  $('receipt').hidden = false;
  $('receipt-text').textContent = receipt;
  status(`All ${pending.files.length} file(s) sent.`);
}

function fileReaderOf(file: File) {
  return { size: file.size, read: async (offset: number, length: number) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) };
}

// --- messages ------------------------------------------------------------------------------------
async function refreshMessages(): Promise<void> {
  const msgs = await client.readMessages();
  $('messages').replaceChildren(
    ...msgs.map((m) => {
      const li = document.createElement('li');
      li.className = m.author;
      li.textContent = `${m.author === 'staff' ? 'Reply' : 'You'} (${new Date(m.createdAt).toLocaleString()}): ${m.text}`;
      return li;
    }),
  );
}
$('message-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const t = $<HTMLTextAreaElement>('message-text');
  try {
    await client.sendMessage(t.value, codename);
    t.value = '';
    await refreshMessages();
    status('Message sent.');
  } catch (e) {
    status(messageOf(e), true);
  }
});

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
function fmtBytes(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}
function eta(bytesLeft: number, rate: number): string {
  if (rate <= 0) return '…';
  const s = Math.round(bytesLeft / rate);
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}
