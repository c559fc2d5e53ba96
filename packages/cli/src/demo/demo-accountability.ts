// The demo's accountability data: what two news reports say about the officials held to account
// after the Saratov prison-hospital torture videos, and about the legal exposure of the source who
// leaked them. Written in the import format "custodia-accountability/1" (the accountability
// importer's contract). Every claim quotes its report verbatim (checked by a unit test against the
// captured copies in ./seeds); no date is given that the reports do not give.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Confidence = 'low' | 'medium' | 'high';
export type DatePrecise = string | null;

export interface ImportClaim {
  source: string;
  quote: string;
  confidence: Confidence;
}

export interface ImportSource {
  key: string;
  kind: 'web-page' | 'document' | 'video';
  title: string;
  publisher?: string;
  url?: string | null;
  publishedOn: DatePrecise;
  retrievedAt: string;
  capturedCopy?: string;
}

export interface ImportPerson {
  key: string;
  role: 'victim' | 'perpetrator' | 'official' | 'witness' | 'other';
  pseudonym: string;
  protected: { realName: string | null; birthDate: string | null; notes: string | null } | null;
  isSource: boolean;
  positions: {
    facility: string | null;
    unit: string | null;
    rank: string | null;
    title: string | null;
    from: DatePrecise;
    to: DatePrecise;
    claims: ImportClaim[];
  }[];
}

export interface ImportProceeding {
  key: string;
  type:
    | 'criminal-case' | 'disciplinary-measure' | 'dismissal' | 'prosecutor-inquiry' | 'court-hearing' | 'arrest-in-absentia'
    | 'wanted-list-entry' | 'asylum-application' | 'charge' | 'case-dismissed' | 'other';
  title: string;
  subjects: string[];
  unnamedSubjects: number;
  authority?: string | null;
  legalArticle?: string | null;
  facility?: string | null;
  sourceExposure: boolean;
  events: {
    on: DatePrecise;
    status: 'opened' | 'announced' | 'in-progress' | 'in-court' | 'convicted' | 'acquitted' | 'closed' | 'dismissed' | 'granted' | 'refused' | 'other';
    summary: string;
    claims: ImportClaim[];
  }[];
}

export interface AccountabilityFile {
  format: 'custodia-accountability/1';
  label?: string;
  sources: ImportSource[];
  persons: ImportPerson[];
  proceedings: ImportProceeding[];
}

/** The captured copies of the two reports, beside this module's source. */
export const SEEDS_DIR = fileURLToPath(new URL('../../src/demo/seeds/', import.meta.url));
export const SEED_FILES = { asylum: 'report-asylum.txt', caseDropped: 'report-case-dropped.txt' } as const;

const MT = 'mt-case-dropped';
const TN = 'tn-asylum';
const HOSPITAL = 'Saratov prison tuberculosis hospital';
const REGION_SERVICE = 'Prison service of the Saratov region';

/** When the captured copies in ./seeds were taken into this repository. */
export const SEEDS_RETRIEVED_AT = '2026-11-30T13:11:00Z';

/**
 * The file's content. The reports' own publication dates are not in their text, so `publishedOn`
 * is null, and so is every event date (the reports say "Wednesday", "last month", "in October",
 * never a full date with its year).
 */
export function demoAccountabilityFile(retrievedAt: string = SEEDS_RETRIEVED_AT): AccountabilityFile {
  return {
    format: 'custodia-accountability/1',
    label: 'Demonstration data taken from two news reports (The Moscow Times; time news): not a verified record',
    sources: [
      {
        key: MT,
        kind: 'web-page',
        title: 'Russia Drops Case Against Prison Torture Whistleblower',
        publisher: 'The Moscow Times',
        url: null,
        publishedOn: null,
        retrievedAt,
        capturedCopy: SEED_FILES.caseDropped,
      },
      {
        key: TN,
        kind: 'web-page',
        title: 'Saveljew reports from asylum: Russia is looking for torture informants',
        publisher: 'time news',
        url: null,
        publishedOn: null,
        retrievedAt,
        capturedCopy: SEED_FILES.asylum,
      },
    ],
    persons: [
      {
        key: 'yefarkin',
        role: 'official',
        pseudonym: 'Anton Yefarkin',
        protected: null,
        isSource: false,
        positions: [
          {
            facility: REGION_SERVICE,
            unit: null,
            rank: null,
            title: 'Head of the prison service in the Saratov region',
            from: null,
            to: null,
            claims: [{ source: MT, quote: 'the head of the prison service in the Saratov region, Anton Yefarkin', confidence: 'high' }],
          },
        ],
      },
      {
        key: 'source',
        role: 'witness',
        // Publicly named in both reports; the product still treats a source's identity as protected.
        pseudonym: 'The source (former inmate)',
        protected: {
          realName: 'Sergei Savelyev',
          birthDate: null,
          notes: 'Former inmate who leaked the videos; Belarusian citizen; worked as an IT maintenance officer during his prison term (both reports).',
        },
        isSource: true,
        positions: [],
      },
    ],
    proceedings: [
      {
        key: 'head-and-regional-officials-dismissed',
        type: 'dismissal',
        title: 'Head of the prison hospital and three regional prison officials dismissed',
        subjects: [],
        unnamedSubjects: 4,
        authority: null,
        legalArticle: null,
        facility: HOSPITAL,
        sourceExposure: false,
        events: [
          {
            on: null,
            status: 'announced',
            summary: 'After the videos were published, the head of the prison hospital was sacked, along with three regional prison officials.',
            claims: [
              {
                source: MT,
                quote: 'the head of the jail, where prisoners needing medical attention for tuberculosis are held, was sacked, along with three regional prison officials',
                confidence: 'high',
              },
              { source: TN, quote: 'At least four prison officials were released.', confidence: 'medium' },
            ],
          },
        ],
      },
      {
        key: 'officials-fired',
        type: 'dismissal',
        title: '18 officials fired',
        subjects: [],
        unnamedSubjects: 18,
        authority: REGION_SERVICE,
        legalArticle: null,
        facility: null,
        sourceExposure: false,
        events: [
          {
            on: null,
            status: 'announced',
            summary: 'The head of the regional prison service said 18 officials had been fired.',
            claims: [{ source: MT, quote: 'Anton Yefarkin, said 18 officials had been fired', confidence: 'high' }],
          },
        ],
      },
      {
        key: 'officials-disciplined',
        type: 'disciplinary-measure',
        title: '11 officials disciplined',
        subjects: [],
        unnamedSubjects: 11,
        authority: REGION_SERVICE,
        legalArticle: null,
        facility: null,
        sourceExposure: false,
        events: [
          {
            on: null,
            status: 'announced',
            summary: 'The head of the regional prison service said 11 officials had faced "the strictest" disciplinary measures.',
            claims: [{ source: MT, quote: '11 had faced "the strictest" disciplinary measures', confidence: 'high' }],
          },
        ],
      },
      {
        key: 'criminal-cases-opened',
        type: 'criminal-case',
        title: 'Five criminal cases opened in connection with the videos',
        subjects: [],
        unnamedSubjects: 0,
        authority: null,
        legalArticle: null,
        facility: null,
        sourceExposure: false,
        events: [
          {
            on: null,
            status: 'opened',
            summary: 'The head of the regional prison service said five criminal cases had been opened in connection with the videos.',
            claims: [{ source: MT, quote: 'Five criminal cases have been opened in connection with the videos, he said.', confidence: 'high' }],
          },
        ],
      },
      {
        key: 'yefarkin-statement',
        type: 'other',
        title: 'Statement of the head of the regional prison service on regional state television',
        subjects: ['yefarkin'],
        unnamedSubjects: 0,
        authority: REGION_SERVICE,
        legalArticle: null,
        facility: null,
        sourceExposure: false,
        events: [
          {
            on: null,
            status: 'announced',
            summary: 'Yefarkin told regional state television that the service was drawing conclusions and that this would not repeat itself.',
            claims: [
              {
                source: MT,
                quote: '"We are doing everything to work things out and draw the appropriate conclusions," Yefarkin told regional state television.',
                confidence: 'high',
              },
              { source: MT, quote: '"I am sure that in the future this will not repeat itself," he said.', confidence: 'high' },
            ],
          },
        ],
      },
      // The source's own legal exposure: the strictest permission, never exported or published
      // unless explicitly chosen. Quotes avoid the source's name where the report allows it.
      {
        key: 'source-charged',
        type: 'charge',
        title: 'The source charged with illegal access to computer information',
        subjects: ['source'],
        unnamedSubjects: 0,
        authority: null,
        // The reports name the offence, not the article of the Criminal Code.
        legalArticle: null,
        facility: null,
        sourceExposure: true,
        events: [
          {
            on: null,
            status: 'opened',
            summary: 'In October (the report gives no year) the source was charged with "illegal access to computer information".',
            claims: [{ source: MT, quote: 'In October, he was charged with "illegal access to computer information"', confidence: 'high' }],
          },
        ],
      },
      {
        key: 'source-arrested-in-absentia',
        type: 'arrest-in-absentia',
        title: 'The source arrested in absentia',
        subjects: ['source'],
        unnamedSubjects: 0,
        authority: null,
        legalArticle: null,
        facility: null,
        sourceExposure: true,
        events: [
          {
            on: null,
            status: 'other',
            summary: 'A court ordered the source arrested in absentia.',
            claims: [{ source: MT, quote: 'a court ordered him arrested in absentia', confidence: 'high' }],
          },
        ],
      },
      {
        key: 'source-wanted',
        type: 'wanted-list-entry',
        title: "The source on the Interior Ministry's wanted list",
        subjects: ['source'],
        unnamedSubjects: 0,
        authority: 'Russian Interior Ministry',
        legalArticle: null,
        facility: null,
        sourceExposure: true,
        events: [
          {
            on: null,
            status: 'opened',
            summary: 'According to the Interior Ministry, the source was wanted in connection with an unspecified criminal case.',
            claims: [{ source: TN, quote: 'is wanted in connection with an unspecified criminal case', confidence: 'high' }],
          },
          {
            on: null,
            status: 'closed',
            summary: "The source was removed from the Interior Ministry's wanted list (as Interfax reported).",
            claims: [{ source: MT, quote: "was also removed from the Interior Ministry's wanted list, the Interfax news agency reported", confidence: 'medium' }],
          },
        ],
      },
      {
        key: 'source-asylum',
        type: 'asylum-application',
        title: 'The source applied for asylum in France',
        subjects: ['source'],
        unnamedSubjects: 0,
        authority: null,
        legalArticle: null,
        facility: null,
        sourceExposure: true,
        events: [
          {
            on: null,
            status: 'in-progress',
            summary: 'The source fled Russia and applied for asylum in France.',
            claims: [
              { source: TN, quote: 'is now in France, where he has applied for asylum', confidence: 'high' },
              { source: MT, quote: 'fled Russia and asked for asylum in France', confidence: 'high' },
            ],
          },
        ],
      },
      {
        key: 'source-case-dropped',
        type: 'case-dismissed',
        title: 'The criminal case against the source dropped by the Saratov regional prosecutor',
        subjects: ['source'],
        unnamedSubjects: 0,
        authority: 'Prosecutor of the Saratov region',
        legalArticle: null,
        facility: null,
        sourceExposure: true,
        events: [
          {
            on: null,
            status: 'dismissed',
            summary: 'The prosecutor for the Saratov region ordered the charges dropped due to their "illegality and groundlessness".',
            claims: [
              { source: MT, quote: 'the prosecutor for the Saratov region ordered that the charges be dropped due to their "illegality and groundlessness."', confidence: 'high' },
              { source: MT, quote: 'Russian prosecutors on Wednesday dismissed the criminal case against a former prison inmate who leaked videos of torture', confidence: 'high' },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * Writes the import file and the two captured copies it names into `dir`; returns the file's path.
 * The copies sit beside the file because `capturedCopy` paths are relative to it.
 */
export async function writeDemoAccountability(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const f of Object.values(SEED_FILES)) await copyFile(join(SEEDS_DIR, f), join(dir, f));
  const path = join(dir, 'saratov.accountability.json');
  await writeFile(path, JSON.stringify(demoAccountabilityFile(), null, 2) + '\n');
  return path;
}
