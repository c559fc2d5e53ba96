import { conflict, type AccountabilityImporter, type ImportCounts, type ImportPlan, type ImportResult, type LedgerNote } from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import { writePositions } from '../documentation/pg-person.repo.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';
import { insertClaim, insertEvent, insertProceeding, insertSource } from './pg-accountability.repo.js';

/**
 * Writes an accountability import in one transaction: facilities found by name (or created),
 * sources, persons with their positions and claims, proceedings with their events and claims —
 * each with its ledger entry. A record whose (case, key) exists already is left as it is, with
 * everything under it: importing the same file twice adds nothing.
 */
export class PgAccountabilityImporter implements AccountabilityImporter {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async importRecords(caseId: number, plan: ImportPlan, userId: number, actor: string): Promise<ImportResult> {
    return this.db.transaction(async (tx) => {
      const append = (note: LedgerNote) => this.ledger.append(tx, { actor, ...note });
      const created: ImportCounts = { sources: 0, persons: 0, proceedings: 0, events: 0, claims: 0, facilities: 0 };
      const already = { sources: 0, persons: 0, proceedings: 0 };

      const facilities = new Map<string, number>();
      for (const name of plan.facilityNames) {
        const found = await tx.query<{ id: number }>(`SELECT id FROM facilities WHERE name = $1 AND kind <> 'camera' ORDER BY id LIMIT 1`, [name]);
        let id = found.rows[0] ? Number(found.rows[0].id) : null;
        if (id === null) {
          id = Number((await tx.query<{ id: number }>(`INSERT INTO facilities (kind, name) VALUES ('facility', $1) RETURNING id`, [name])).rows[0]!.id);
          await append(plan.facilityNote(id, name));
          created.facilities += 1;
        }
        facilities.set(name, id);
      }
      const facilityOf = (name: string | null) => (name === null ? null : facilities.get(name)!);

      const sources = new Map<string, number>();
      for (const s of plan.sources) {
        const existing = await keyed(tx, 'accountability_sources', caseId, s.key);
        if (existing !== null) {
          sources.set(s.key, existing);
          already.sources += 1;
          continue;
        }
        const { key, note, ...content } = s;
        const id = await insertSource(tx, caseId, content, userId, key);
        await append(note(id));
        sources.set(key, id);
        created.sources += 1;
      }

      const persons = new Map<string, number>();
      for (const p of plan.persons) {
        const existing = await keyed(tx, 'persons', caseId, p.key);
        if (existing !== null) {
          persons.set(p.key, existing);
          already.persons += 1;
          continue;
        }
        const clash = await tx.query<{ id: number }>('SELECT id FROM persons WHERE case_id = $1 AND pseudonym = $2', [caseId, p.pseudonym]);
        if (clash.rows[0]) throw conflict(`persons "${p.key}": the case has a person called "${p.pseudonym}" already (not from an import of this key)`, { where: `persons.${p.key}` });
        const id = Number(
          (await tx.query<{ id: number }>(
            'INSERT INTO persons (case_id, role, pseudonym, created_by, is_source, import_key) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
            [caseId, p.role, p.pseudonym, userId, p.isSource, p.key],
          )).rows[0]!.id,
        );
        const facilityIds = p.positions.map((x) => facilityOf(x.facility));
        const positions = p.positions.map(({ claims: _c, facility: _f, ...pos }, i) => ({ ...pos, facilityId: facilityIds[i] ?? null }));
        await writePositions(tx, id, positions);
        if (p.identity) {
          await tx.query('INSERT INTO person_identities (person_id, real_name, birth_date, notes, salt, updated_by) VALUES ($1, $2, $3, $4, $5, $6)', [
            id, p.identity.values.realName ?? null, p.identity.values.birthDate ?? null, p.identity.values.notes ?? null, p.identity.salt, userId,
          ]);
        }
        await append(p.note(id, facilityIds));
        created.persons += 1;
        persons.set(p.key, id);
        for (const [i, pos] of p.positions.entries()) {
          for (const c of pos.claims) {
            const sourceId = sources.get(c.source)!;
            const claimId = await insertClaim(tx, caseId, { sourceId, quote: c.quote, confidence: c.confidence, eventId: null, personId: id, position: positions[i]! }, userId);
            await append(plan.claimNote(claimId, { ...c, sourceId }, { person: id }));
            created.claims += 1;
          }
        }
      }

      for (const p of plan.proceedings) {
        if ((await keyed(tx, 'accountability_proceedings', caseId, p.key)) !== null) {
          already.proceedings += 1;
          continue;
        }
        const subjectIds = p.subjects.map((k) => persons.get(k)!);
        const facilityId = facilityOf(p.facility);
        const id = await insertProceeding(
          tx,
          caseId,
          { type: p.type, title: p.title, subjectIds, unnamedSubjects: p.unnamedSubjects, authority: p.authority, legalArticle: p.legalArticle, facilityId, sourceExposure: p.sourceExposure },
          userId,
          p.key,
        );
        await append(p.note(id, subjectIds, facilityId));
        created.proceedings += 1;
        for (const [j, e] of p.events.entries()) {
          const eventId = await insertEvent(tx, id, { on: e.on, status: e.status, summary: e.summary }, userId);
          await append(p.eventNote(id, eventId, j));
          created.events += 1;
          for (const c of e.claims) {
            const sourceId = sources.get(c.source)!;
            const claimId = await insertClaim(tx, caseId, { sourceId, quote: c.quote, confidence: c.confidence, eventId, personId: null, position: null }, userId);
            await append(plan.claimNote(claimId, { ...c, sourceId }, { event: eventId }));
            created.claims += 1;
          }
        }
      }

      const anything = Object.values(created).some((n) => n > 0);
      if (anything) {
        await tx.query('INSERT INTO accountability_imports (case_id, file_sha256, label, created, imported_by) VALUES ($1, $2, $3, $4::jsonb, $5)', [
          caseId, plan.fileSha256, plan.label, JSON.stringify(created), userId,
        ]);
        await append(plan.importNote(created));
      }
      return { created, alreadyThere: already };
    });
  }
}

async function keyed(tx: Queryable, table: 'accountability_sources' | 'persons' | 'accountability_proceedings', caseId: number, key: string): Promise<number | null> {
  const r = await tx.query<{ id: number }>(`SELECT id FROM ${table} WHERE case_id = $1 AND import_key = $2`, [caseId, key]);
  return r.rows[0] ? Number(r.rows[0].id) : null;
}
