// The public site's pages: plain HTML with one small inline style sheet, relative links only, no
// script, nothing loaded from elsewhere. Every value shown comes from PublicSiteContent (the
// allow-list) or from the verification statement of a published video. English at the root, the
// Russian edition under ru/; media and verification folders are shared.
import type { PublicFacility, PublicIncident, PublicVideo } from './site-content.js';
import { SITE_TEXT, type SiteLang, type SiteText } from './site-text.js';

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

/** One page of one edition: its language and the relative prefixes to its edition's root (`e`) and to the site's root (`r`). */
export interface PageCtx {
  L: SiteText;
  e: string;
  r: string;
  /** The page's path inside its edition, e.g. `incidents/7.html`. */
  path: string;
  builtAt: string;
}

export function pageCtx(lang: SiteLang, path: string, builtAt: string): PageCtx {
  const depth = path.split('/').length - 1;
  const e = '../'.repeat(depth);
  return { L: SITE_TEXT[lang], e, r: lang === 'en' ? e : `../${e}`, path, builtAt };
}

function page(c: PageCtx, title: string, body: string): string {
  const { L, e, r } = c;
  const other = L.lang === 'en' ? `${r}ru/${c.path}` : `${r}${c.path}`;
  return `<!DOCTYPE html>
<html lang="${L.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><a class="site" href="${e}index.html">${esc(L.siteName)}</a>
<nav><a href="${e}index.html">${L.nav.incidents}</a><a href="${e}timeline.html">${L.nav.timeline}</a><a href="${e}facilities/index.html">${L.nav.facilities}</a><a href="${e}how-to-verify.html">${L.nav.verify}</a><a href="${other}" lang="${L.lang === 'en' ? 'ru' : 'en'}">${L.nav.other}</a></nav></header>
<main>
${body}
</main>
<footer>${esc(L.footer(c.builtAt))}</footer>
</body>
</html>
`;
}

export const when = (i: Pick<PublicIncident, 'occurredFrom' | 'occurredTo'>, L: SiteText = SITE_TEXT.en): string => {
  const f = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  if (!i.occurredFrom) return L.noTime;
  return i.occurredTo && i.occurredTo !== i.occurredFrom ? `${f(i.occurredFrom)} – ${f(i.occurredTo)}` : f(i.occurredFrom);
};

const where = (c: PageCtx, f: PublicFacility | null) =>
  f ? `<a href="${c.e}facilities/${f.id}.html">${esc(f.name)}</a>${f.region ? `, ${esc(f.region)}` : ''}` : esc(c.L.noFacility);

const tags = (c: PageCtx, i: PublicIncident) => i.types.map((t) => `<span class="tag">${esc(c.L.lang === 'ru' ? t.ru || t.en : t.en)}</span>`).join('');

function meta(c: PageCtx, i: PublicIncident, withVideos: boolean): string {
  const parts = [esc(when(i, c.L)), where(c, i.facility), esc(c.L.detainees(i.detainees)), withVideos ? esc(c.L.videos(i.videos.length)) : ''];
  return parts.filter(Boolean).join(' · ');
}

function card(c: PageCtx, i: PublicIncident): string {
  return `<article class="card"><h2><a href="${c.e}incidents/${i.id}.html">${esc(i.title)}</a></h2>
<p class="meta">${meta(c, i, true)}</p>
<p>${tags(c, i)}</p>
<p>${esc(i.summary)}</p></article>`;
}

export function indexPage(c: PageCtx, incidents: PublicIncident[]): string {
  return page(c, c.L.siteName, `<h1>${esc(c.L.siteName)}</h1>\n<p>${esc(c.L.intro(incidents.length))}</p>\n${incidents.map((i) => card(c, i)).join('\n')}`);
}

export function timelinePage(c: PageCtx, incidents: PublicIncident[]): string {
  const sorted = [...incidents].sort((a, b) => (a.occurredFrom ?? '9999').localeCompare(b.occurredFrom ?? '9999') || a.id - b.id);
  const rows = sorted
    .map((i) => `<li><span class="meta">${esc(when(i, c.L))}</span><br><a href="${c.e}incidents/${i.id}.html">${esc(i.title)}</a> — ${where(c, i.facility)}</li>`)
    .join('\n');
  return page(c, c.L.timeline, `<h1>${esc(c.L.timeline)}</h1>\n<ol>\n${rows}\n</ol>`);
}

export function facilitiesIndexPage(c: PageCtx, facilities: { facility: PublicFacility; count: number }[]): string {
  const rows = facilities
    .map(({ facility: f, count }) => `<li><a href="${c.e}facilities/${f.id}.html">${esc(f.name)}</a>${f.region ? `, ${esc(f.region)}` : ''} — ${esc(c.L.incidentsAt(count))}</li>`)
    .join('\n');
  return page(c, c.L.facilities, `<h1>${esc(c.L.facilities)}</h1>\n<ul>\n${rows}\n</ul>`);
}

export function facilityPage(c: PageCtx, f: PublicFacility, incidents: PublicIncident[]): string {
  return page(c, f.name, `<h1>${esc(f.name)}</h1>${f.region ? `\n<p class="meta">${esc(f.region)}</p>` : ''}\n${incidents.map((i) => card(c, i)).join('\n')}`);
}

export function incidentPage(c: PageCtx, i: PublicIncident, videos: VideoStatement[]): string {
  const body = `<h1>${esc(i.title)}</h1>
<p class="meta">${meta(c, i, false)}</p>
<p>${tags(c, i)}</p>
<p>${esc(i.summary)}</p>
${videos.map((v, n) => videoBlock(c, v, n + 1, videos.length)).join('\n')}`;
  return page(c, i.title, body);
}

function videoBlock(c: PageCtx, v: VideoStatement, n: number, of: number): string {
  const { L, r } = c;
  const S = L.s;
  const sha = v.video.derivativeSha256;
  const hash = (h: string) => `<span class="hash">${h}</span>`;
  return `<section class="card" id="video-${sha.slice(0, 12)}">
<h2>${esc(L.video(n, of))}</h2>
<video controls preload="none" playsinline${v.poster ? ` poster="${r}${v.poster}"` : ''}><source src="${r}${v.file}" type="${v.mime}">${esc(L.cannotPlay)} <a href="${r}${v.file}">${esc(L.download)}</a>.</video>
<h3>${esc(L.statement)}</h3>
<dl class="statement">
<dt>${S.redacted}</dt><dd><a href="${r}${v.file}">${esc(v.file)}</a>, ${v.video.size} ${S.bytes}, SHA-256 ${hash(sha)}</dd>
<dt>${S.from}</dt><dd>SHA-256 ${hash(v.video.sourceSha256)} ${v.video.sourceSha256 !== v.video.originalSha256 ? `(${S.originalOf}, SHA-256 ${hash(v.video.originalSha256)})` : S.originalSelf}; ${S.originalStays}</dd>
<dt>${S.recipe}</dt><dd>SHA-256 ${hash(v.video.recipeSha256)} ${S.recipeNote}</dd>
<dt>${S.ledger}</dt><dd>${S.stmtEntry}${v.statementSeq}${v.render ? `; ${S.renderEntry}${v.render.seq}, ${S.leaf} ${hash(v.render.leafHashHex)}` : ''}</dd>
<dt>${S.checkpoint}</dt><dd>${S.treeSize} ${v.checkpoint.treeSize}, ${S.root} ${hash(v.checkpoint.rootHashHex)}, ${S.signedWith} ${hash(esc(v.verifierKey))}</dd>
<dt>${S.files}</dt><dd><a href="${r}${v.folder}/statement.txt">${S.fStatement}</a> · <a href="${r}${v.folder}/ledger/entries.jsonl">${S.fEntry}</a> · <a href="${r}${v.folder}/ledger/proofs.jsonl">${S.fProof}</a> · <a href="${r}${v.folder}/ledger/checkpoint.txt">${S.fCheckpoint}</a>${v.render ? ` · <a href="${r}${v.folder}/render-entry.json">${S.fRender}</a>` : ''}</dd>
</dl>
<p>${S.toCheck} <code>sha256sum ${esc(v.file)}</code> ${S.prints} ${hash(sha)}; <code>node verification/verify.js ${esc(v.folder)}</code> ${S.proves} <a href="${c.e}how-to-verify.html">${S.steps}</a>.</p>
</section>`;
}

export function howToVerifyPage(c: PageCtx, verifierKey: string): string {
  return page(c, c.L.howTo, `<h1>${esc(c.L.howTo)}</h1>\n${c.L.howToBody(esc(verifierKey))}`);
}
