import type { LedgerNote } from '../access/ledger-note.js';

export type FacilityKind = 'region' | 'facility' | 'unit' | 'camera';

/** A node of the facilities tree: region → facility → unit → camera. Instance-wide, shared by cases. */
export interface Facility {
  id: number;
  kind: FacilityKind;
  name: string;
  parentId: number | null;
  facilityTypeTermId: number | null;
  /** A camera's label as burned into its picture, for matching what overlay OCR reads. */
  overlayLabel: string | null;
  /** Archived: hidden from the pickers of new documentation, still named where it is cited. */
  archived: boolean;
}

export interface NewFacility {
  kind: FacilityKind;
  name: string;
  parentId: number | null;
  facilityTypeTermId: number | null;
  overlayLabel: string | null;
}

export interface FacilityChange {
  name?: string;
  parentId?: number | null;
  facilityTypeTermId?: number | null;
  overlayLabel?: string | null;
}

export interface FacilityUses {
  'nodes under it': number;
  'person positions': number;
  incidents: number;
}

export interface FacilityRepo {
  facilities(): Promise<Facility[]>;
  facility(id: number): Promise<Facility | null>;
  /** Cameras whose normalised overlay label equals `norm`. */
  camerasByLabel(norm: string): Promise<Facility[]>;
  createFacility(f: NewFacility & { overlayLabelNorm: string | null }, actor: string, note: (id: number) => LedgerNote): Promise<Facility>;
  updateFacility(id: number, change: FacilityChange & { overlayLabelNorm?: string | null }, actor: string, note: LedgerNote): Promise<Facility>;
  /** How many of each thing refer to the node (nodes under it, positions, incidents). */
  facilityUses(id: number): Promise<FacilityUses>;
  deleteFacility(id: number, actor: string, note: LedgerNote): Promise<void>;
  setArchived(id: number, archived: boolean, actor: string, note: LedgerNote): Promise<Facility>;
}

/** Which kinds may hold which: cameras may hang off a facility directly when it has no units. */
export const ALLOWED_PARENTS: Record<FacilityKind, readonly (FacilityKind | null)[]> = {
  region: [null, 'region'],
  facility: [null, 'region'],
  unit: ['facility', 'unit'],
  camera: ['facility', 'unit'],
};

/**
 * Overlay labels as OCR reads them vary in case, spacing, punctuation and in Latin letters that
 * look Cyrillic (a DVR font's "KAMEPA" for «КАМЕРА»): all of that is folded away for matching.
 *
 * @example normaliseOverlayLabel(' Камера-3  подъезд ') === normaliseOverlayLabel('KAMEPA 3 ПОДЪЕЗД') // true
 */
export function normaliseOverlayLabel(label: string): string {
  const lookalikes: Record<string, string> = { a: 'а', b: 'в', c: 'с', e: 'е', h: 'н', k: 'к', m: 'м', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у', ё: 'е' };
  return label
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((w) => (/\p{Script=Cyrillic}/u.test(w) || /^[abcehkmoptxy]+$/.test(w) ? [...w].map((ch) => lookalikes[ch] ?? ch).join('') : w))
    .join(' ');
}
