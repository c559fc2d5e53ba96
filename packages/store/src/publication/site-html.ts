// The public site's pages: plain HTML with one small inline style sheet, relative links only, no
// script, nothing loaded from elsewhere. Every value shown comes from PublicSiteContent (the
// allow-list) or from the verification statement of a published video.
import type { PublicFacility, PublicIncident, PublicVideo } from './site-content.js';

/** What the incident page says about one published video and how to check it. */
export interface VideoStatement {
  video: PublicVideo;
  /** Site-relative paths. */
  file: string;
  poster: string | null;
  mime: string;
  folder: string;
  statementSeq: number;
  checkpoint: { treeSize: number; rootHashHex: string };
  verifierKey: string;
  render: { seq: number; leafHashHex: string } | null;
}

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232a;background:#f7f7f5}
header,main,footer{max-width:52rem;margin:0 auto;padding:0 1rem}header{padding-top:1rem;border-bottom:1px solid #ddd}
header a.site{font-weight:600;color:#1d232a;text-decoration:none}nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:.5rem 0}
a{color:#1f5f8b}h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.15rem;margin-top:2rem}
.card{background:#fff;border:1px solid #e1e1dc;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
.meta{color:#555;font-size:.9rem}.tag{display:inline-block;background:#eef2f5;border-radius:3px;padding:0 .4rem;margin:0 .25rem .25rem 0;font-size:.85rem}
video,img{max-width:100%;height:auto;background:#000}code,.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;word-break:break-all}
dl.statement{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.25rem .75rem;font-size:.9rem}dl.statement dt{color:#555}dl.statement dd{margin:0;min-width:0;overflow-wrap:anywhere}.card h2{margin-top:.25rem}main{overflow-wrap:anywhere}
pre{background:#f0f0ec;padding:.5rem;overflow-x:auto;font-size:.8rem}footer{color:#666;font-size:.8rem;padding:2rem 1rem}
@media (max-width:30rem){dl.statement{grid-template-columns:1fr}dl.statement dd{margin-bottom:.4rem}}`;

function page(title: string, body: string, depth: number, builtAt: string): string {
  const up = '../'.repeat(depth);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><a class="site" href="${up}index.html">Documented incidents</a>
<nav><a href="${up}index.html">Incidents</a><a href="${up}timeline.html">Timeline</a><a href="${up}facilities/index.html">Facilities</a><a href="${up}how-to-verify.html">How to verify</a></nav></header>
<main>
${body}
</main>
<footer>Built ${esc(builtAt)}. Every video here is a redacted copy; each comes with a statement to check it against the organisation's signed custody ledger. This site runs no scripts and loads nothing from elsewhere.</footer>
</body>
</html>
`;
}

export const when = (i: Pick<PublicIncident, 'occurredFrom' | 'occurredTo'>): string => {
  const f = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  if (!i.occurredFrom) return 'time not established';
  return i.occurredTo && i.occurredTo !== i.occurredFrom ? `${f(i.occurredFrom)} – ${f(i.occurredTo)}` : f(i.occurredFrom);
};

const where = (f: PublicFacility | null, up: string) =>
  f ? `<a href="${up}facilities/${f.id}.html">${esc(f.name)}</a>${f.region ? `, ${esc(f.region)}` : ''}` : 'facility not named';

const detainees = (n: number) => (n === 0 ? '' : n === 1 ? 'one detainee' : `${n} detainees`);
const tags = (i: PublicIncident) => i.types.map((t) => `<span class="tag">${esc(t.en)}</span>`).join('');

function card(i: PublicIncident, up: string): string {
  const d = detainees(i.detainees);
  return `<article class="card"><h2><a href="${up}incidents/${i.id}.html">${esc(i.title)}</a></h2>
<p class="meta">${esc(when(i))} · ${where(i.facility, up)}${d ? ` · ${d}` : ''}${i.videos.length ? ` · ${i.videos.length} video${i.videos.length > 1 ? 's' : ''}` : ''}</p>
<p>${tags(i)}</p>
<p>${esc(i.summary)}</p></article>`;
}

export function indexPage(incidents: PublicIncident[], builtAt: string): string {
  const body = `<h1>Documented incidents</h1>
<p>${incidents.length} verified incident${incidents.length === 1 ? '' : 's'} of ill-treatment in places of detention, each reviewed by a second person before publication. Faces and other identifying details are hidden in the videos; people who were detained are not named.</p>
${incidents.map((i) => card(i, '')).join('\n')}`;
  return page('Documented incidents', body, 0, builtAt);
}

export function timelinePage(incidents: PublicIncident[], builtAt: string): string {
  const sorted = [...incidents].sort((a, b) => (a.occurredFrom ?? '9999') .localeCompare(b.occurredFrom ?? '9999') || a.id - b.id);
  const rows = sorted
    .map((i) => `<li><span class="meta">${esc(when(i))}</span><br><a href="incidents/${i.id}.html">${esc(i.title)}</a> — ${where(i.facility, '')}</li>`)
    .join('\n');
  return page('Timeline', `<h1>Timeline</h1>\n<ol>\n${rows}\n</ol>`, 0, builtAt);
}

export function facilitiesIndexPage(facilities: { facility: PublicFacility; count: number }[], builtAt: string): string {
  const rows = facilities
    .map(({ facility: f, count }) => `<li><a href="${f.id}.html">${esc(f.name)}</a>${f.region ? `, ${esc(f.region)}` : ''} — ${count} incident${count === 1 ? '' : 's'}</li>`)
    .join('\n');
  return page('Facilities', `<h1>Facilities</h1>\n<ul>\n${rows}\n</ul>`, 1, builtAt);
}

export function facilityPage(f: PublicFacility, incidents: PublicIncident[], builtAt: string): string {
  const body = `<h1>${esc(f.name)}</h1>${f.region ? `\n<p class="meta">${esc(f.region)}</p>` : ''}
${incidents.map((i) => card(i, '../')).join('\n')}`;
  return page(f.name, body, 1, builtAt);
}

export function incidentPage(i: PublicIncident, videos: VideoStatement[], builtAt: string): string {
  const d = detainees(i.detainees);
  const body = `<h1>${esc(i.title)}</h1>
<p class="meta">${esc(when(i))} · ${where(i.facility, '../')}${d ? ` · ${d}` : ''}</p>
<p>${tags(i)}</p>
<p>${esc(i.summary)}</p>
${videos.map((v, n) => videoBlock(v, n + 1, videos.length)).join('\n')}`;
  return page(i.title, body, 1, builtAt);
}

function videoBlock(v: VideoStatement, n: number, of: number): string {
  const sha = v.video.derivativeSha256;
  return `<section class="card" id="video-${sha.slice(0, 12)}">
<h2>Video${of > 1 ? ` ${n} of ${of}` : ''}</h2>
<video controls preload="none" playsinline${v.poster ? ` poster="../${v.poster}"` : ''}><source src="../${v.file}" type="${v.mime}">Your browser cannot play this video: <a href="../${v.file}">download it</a>.</video>
<h3>Verification statement</h3>
<dl class="statement">
<dt>Redacted video</dt><dd><a href="../${v.file}">${esc(v.file)}</a>, ${v.video.size} bytes, SHA-256 <span class="hash">${sha}</span></dd>
<dt>Rendered from</dt><dd>SHA-256 <span class="hash">${v.video.sourceSha256}</span>${v.video.sourceSha256 !== v.video.originalSha256 ? ` (itself made from the original recording, SHA-256 <span class="hash">${v.video.originalSha256}</span>)` : ' (the original recording)'}; the original stays with the organisation</dd>
<dt>Redaction recipe</dt><dd>SHA-256 <span class="hash">${v.video.recipeSha256}</span> (what was hidden and how; kept by the organisation)</dd>
<dt>Ledger</dt><dd>publication statement: entry #${v.statementSeq}${v.render ? `; the render itself: entry #${v.render.seq}, leaf hash <span class="hash">${v.render.leafHashHex}</span>` : ''}</dd>
<dt>Checkpoint</dt><dd>tree size ${v.checkpoint.treeSize}, root <span class="hash">${v.checkpoint.rootHashHex}</span>, signed with the key <span class="hash">${esc(v.verifierKey)}</span></dd>
<dt>Files</dt><dd><a href="../${v.folder}/statement.txt">statement</a> · <a href="../${v.folder}/ledger/entries.jsonl">ledger entry</a> · <a href="../${v.folder}/ledger/proofs.jsonl">inclusion proof</a> · <a href="../${v.folder}/ledger/checkpoint.txt">signed checkpoint</a>${v.render ? ` · <a href="../${v.folder}/render-entry.json">render proof</a>` : ''}</dd>
</dl>
<p>To check: <code>sha256sum ${esc(v.file)}</code> prints <span class="hash">${sha}</span>; <code>node verification/verify.js ${esc(v.folder)}</code> proves the statement is in the signed ledger. <a href="../how-to-verify.html">Step by step</a>.</p>
</section>`;
}

export function howToVerifyPage(verifierKey: string, builtAt: string): string {
  const body = `<h1>How to verify a video</h1>
<p>Each video on this site is a redacted copy of a recording held by the organisation. For each one, the organisation's custody ledger — an append-only log whose state is signed at regular checkpoints — holds a <em>publication statement</em> naming the hash of the redacted file, of the recording it was made from, and of the redaction recipe. You can check, on your own computer and without trusting this website:</p>
<ol>
<li><strong>The file is the one described.</strong> Download the video and compute its SHA-256: <pre>sha256sum media/&lt;hash&gt;.mp4</pre> The printed hash must equal the file's name and the "Redacted video" hash in the statement. The list of every file of this site and its hash is in <a href="SHA256SUMS">SHA256SUMS</a> (<code>sha256sum -c SHA256SUMS</code> checks them all).</li>
<li><strong>The statement is in the signed ledger.</strong> Each video's folder under <code>verification/</code> is a small court package. With Node.js installed, run from the site's folder: <pre>node verification/verify.js verification/&lt;hash&gt; --key "&lt;the organisation's verifier key&gt;"</pre> It checks the files' hashes, the Ed25519 signature of the checkpoint, and the inclusion proof of the statement's ledger entry, and prints VERIFIED or what failed. Get the verifier key from the organisation itself (not from this site) and compare: the key used to sign is <span class="hash">${esc(verifierKey)}</span>.</li>
<li><strong>The statement says what the page says.</strong> Open <code>ledger/entries.jsonl</code> in the folder: its <code>details</code> name the redacted file, the source, the original recording and the recipe by their SHA-256.</li>
<li><strong>The render was recorded when it happened.</strong> The statement names the ledger entry of the render (its number and leaf hash); <code>render-entry.json</code> holds that leaf's inclusion proof against the same checkpoint. The text of that entry names staff and is kept by the organisation; a court can be given it in full.</li>
</ol>
<p>The originals and the recipes are not published: a court or an investigator can ask the organisation for a court package, which contains them and verifies the same way.</p>`;
  return page('How to verify a video', body, 0, builtAt);
}
