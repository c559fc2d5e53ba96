// The public site's own words, in English and Russian. The incidents' public title and summary are
// shown as the coordinator wrote them, in both editions.

export type SiteLang = 'en' | 'ru';

export interface SiteText {
  lang: SiteLang;
  siteName: string;
  nav: { incidents: string; timeline: string; facilities: string; verify: string; other: string };
  intro: (n: number) => string;
  footer: (builtAt: string) => string;
  timeline: string;
  facilities: string;
  incidentsAt: (n: number) => string;
  noTime: string;
  noFacility: string;
  detainees: (n: number) => string;
  videos: (n: number) => string;
  video: (n: number, of: number) => string;
  cannotPlay: string;
  download: string;
  statement: string;
  s: {
    redacted: string; bytes: string; from: string; originalSelf: string; originalOf: string; originalStays: string; recipe: string; recipeNote: string;
    ledger: string; stmtEntry: string; renderEntry: string; leaf: string; checkpoint: string; treeSize: string; root: string; signedWith: string;
    files: string; fStatement: string; fEntry: string; fProof: string; fCheckpoint: string; fRender: string; toCheck: string; prints: string; proves: string; steps: string;
  };
  howTo: string;
  howToBody: (verifierKey: string) => string;
}

const plural = (lang: SiteLang, n: number, forms: Partial<Record<Intl.LDMLPluralRule, string>>): string =>
  forms[new Intl.PluralRules(lang).select(n)] ?? forms.other!;

const howToEn = (key: string) => `<p>Each video on this site is a redacted copy of a recording held by the organisation. For each one, the organisation's custody ledger — an append-only log whose state is signed at regular checkpoints — holds a <em>publication statement</em> naming the hash of the redacted file, of the recording it was made from, and of the redaction recipe. You can check, on your own computer and without trusting this website:</p>
<ol>
<li><strong>The file is the one described.</strong> Download the video and compute its SHA-256: <pre>sha256sum media/&lt;hash&gt;.mp4</pre> The printed hash must equal the file's name and the "Redacted video" hash in the statement. Every file of the site and its hash is listed in SHA256SUMS at the site's root (<code>sha256sum -c SHA256SUMS</code> checks them all).</li>
<li><strong>The statement is in the signed ledger.</strong> Each video's folder under <code>verification/</code> is a small court package. With Node.js installed, run from the site's folder: <pre>node verification/verify.js verification/&lt;hash&gt; --key "&lt;the organisation's verifier key&gt;"</pre> It checks the files' hashes, the Ed25519 signature of the checkpoint and the inclusion proof of the statement's ledger entry, and prints VERIFIED or what failed. Get the verifier key from the organisation itself, not from this site, and compare: the key used to sign is <span class="hash">${key}</span>.</li>
<li><strong>The statement says what the page says.</strong> Open <code>ledger/entries.jsonl</code> in the folder: its <code>details</code> name the redacted file, the source, the original recording and the recipe by their SHA-256.</li>
<li><strong>The render was recorded when it happened.</strong> The statement names the ledger entry of the render (its number and leaf hash); <code>render-entry.json</code> holds that leaf's inclusion proof against the same checkpoint. The text of that entry names staff and is kept by the organisation; a court can be given it in full.</li>
</ol>
<p>The originals and the recipes are not published: a court or an investigator can ask the organisation for a court package, which contains them and verifies the same way.</p>`;

const howToRu = (key: string) => `<p>Каждое видео на этом сайте — обезличенная копия записи, которая хранится в организации. Для каждого видео журнал хранения организации (журнал, в который можно только добавлять записи; его состояние регулярно подписывается) содержит <em>заявление о публикации</em>: хеш обезличенного файла, записи, из которой он сделан, и рецепта обезличивания. Проверить это можно на своём компьютере, не доверяя этому сайту:</p>
<ol>
<li><strong>Файл — тот самый.</strong> Скачайте видео и посчитайте его SHA-256: <pre>sha256sum media/&lt;хеш&gt;.mp4</pre> Результат должен совпасть с именем файла и с хешем «Обезличенное видео» в заявлении. Все файлы сайта с их хешами перечислены в SHA256SUMS в корне сайта (<code>sha256sum -c SHA256SUMS</code> проверяет все).</li>
<li><strong>Заявление есть в подписанном журнале.</strong> Папка каждого видео в <code>verification/</code> — небольшой пакет для суда. Если установлен Node.js, запустите в папке сайта: <pre>node verification/verify.js verification/&lt;хеш&gt; --key "&lt;ключ проверки организации&gt;"</pre> Программа проверит хеши файлов, подпись Ed25519 контрольной точки и доказательство включения записи журнала и выведет VERIFIED или что не сошлось. Ключ проверки получите у самой организации, не с этого сайта, и сравните: подпись сделана ключом <span class="hash">${key}</span>.</li>
<li><strong>Заявление говорит то же, что страница.</strong> Откройте в папке <code>ledger/entries.jsonl</code>: в <code>details</code> названы обезличенный файл, источник, исходная запись и рецепт — по их SHA-256.</li>
<li><strong>Обезличивание записано в журнал, когда оно было сделано.</strong> Заявление называет запись журнала об обезличивании (номер и хеш листа); в <code>render-entry.json</code> — доказательство включения этого листа в ту же контрольную точку. Текст той записи называет сотрудников и хранится в организации; суду его можно передать полностью.</li>
</ol>
<p>Исходные записи и рецепты не публикуются: суд или следователь может запросить у организации пакет для суда, который их содержит и проверяется так же.</p>`;

export const SITE_TEXT: Record<SiteLang, SiteText> = {
  en: {
    lang: 'en',
    siteName: 'Documented incidents',
    nav: { incidents: 'Incidents', timeline: 'Timeline', facilities: 'Facilities', verify: 'How to verify', other: 'Русский' },
    intro: (n) => `${n} verified incident${n === 1 ? '' : 's'} of ill-treatment in places of detention, each reviewed by a second person before publication. Faces and other identifying details are hidden in the videos; people who were detained are not named.`,
    footer: (at) => `Built ${at}. Every video here is a redacted copy; each comes with a statement to check it against the organisation's signed custody ledger. This site runs no scripts and loads nothing from elsewhere.`,
    timeline: 'Timeline',
    facilities: 'Facilities',
    incidentsAt: (n) => `${n} incident${n === 1 ? '' : 's'}`,
    noTime: 'time not established',
    noFacility: 'facility not named',
    detainees: (n) => (n === 0 ? '' : n === 1 ? 'one detainee' : `${n} detainees`),
    videos: (n) => (n === 0 ? '' : `${n} video${n === 1 ? '' : 's'}`),
    video: (n, of) => (of > 1 ? `Video ${n} of ${of}` : 'Video'),
    cannotPlay: 'Your browser cannot play this video:',
    download: 'download it',
    statement: 'Verification statement',
    s: {
      redacted: 'Redacted video', bytes: 'bytes', from: 'Rendered from', originalSelf: '(the original recording)', originalOf: 'itself made from the original recording',
      originalStays: 'the original stays with the organisation', recipe: 'Redaction recipe', recipeNote: '(what was hidden and how; kept by the organisation)',
      ledger: 'Ledger', stmtEntry: 'publication statement: entry #', renderEntry: 'the render itself: entry #', leaf: 'leaf hash', checkpoint: 'Checkpoint',
      treeSize: 'tree size', root: 'root', signedWith: 'signed with the key', files: 'Files', fStatement: 'statement', fEntry: 'ledger entry',
      fProof: 'inclusion proof', fCheckpoint: 'signed checkpoint', fRender: 'render proof', toCheck: 'To check:', prints: 'prints',
      proves: 'proves the statement is in the signed ledger.', steps: 'Step by step',
    },
    howTo: 'How to verify a video',
    howToBody: howToEn,
  },
  ru: {
    lang: 'ru',
    siteName: 'Задокументированные случаи',
    nav: { incidents: 'Случаи', timeline: 'Хронология', facilities: 'Учреждения', verify: 'Как проверить', other: 'English' },
    intro: (n) => `Проверенных случаев жестокого обращения в местах лишения свободы: ${n}. Каждый проверен вторым человеком перед публикацией. Лица и другие приметы на видео скрыты; задержанные не названы.`,
    footer: (at) => `Собрано ${at}. Каждое видео здесь — обезличенная копия; к каждому приложено заявление, которое можно сверить с подписанным журналом хранения организации. Сайт не выполняет скриптов и ничего не загружает извне.`,
    timeline: 'Хронология',
    facilities: 'Учреждения',
    incidentsAt: (n) => `${n} ${plural('ru', n, { one: 'случай', few: 'случая', many: 'случаев', other: 'случая' })}`,
    noTime: 'время не установлено',
    noFacility: 'учреждение не указано',
    detainees: (n) => (n === 0 ? '' : n === 1 ? 'один задержанный' : `${n} ${plural('ru', n, { one: 'задержанный', other: 'задержанных' })}`),
    videos: (n) => (n === 0 ? '' : `${n} ${plural('ru', n, { one: 'видео', other: 'видео' })}`),
    video: (n, of) => (of > 1 ? `Видео ${n} из ${of}` : 'Видео'),
    cannotPlay: 'Браузер не может воспроизвести это видео:',
    download: 'скачайте его',
    statement: 'Заявление для проверки',
    s: {
      redacted: 'Обезличенное видео', bytes: 'байт', from: 'Сделано из', originalSelf: '(исходная запись)', originalOf: 'которое само сделано из исходной записи',
      originalStays: 'исходная запись хранится в организации', recipe: 'Рецепт обезличивания', recipeNote: '(что и как скрыто; хранится в организации)',
      ledger: 'Журнал', stmtEntry: 'заявление о публикации: запись №', renderEntry: 'само обезличивание: запись №', leaf: 'хеш листа', checkpoint: 'Контрольная точка',
      treeSize: 'размер дерева', root: 'корень', signedWith: 'подписана ключом', files: 'Файлы', fStatement: 'заявление', fEntry: 'запись журнала',
      fProof: 'доказательство включения', fCheckpoint: 'подписанная контрольная точка', fRender: 'доказательство обезличивания', toCheck: 'Проверка:', prints: 'выводит',
      proves: 'доказывает, что заявление есть в подписанном журнале.', steps: 'Пошагово',
    },
    howTo: 'Как проверить видео',
    howToBody: howToRu,
  },
};
