import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvRow } from './accountability-csv.js';
import { outcomeOf } from './outcome.js';
import { checkPartialDate, compareTimeline, partialToDay } from './partial-date.js';
import { quoteOccurs, readableText } from './source-text.port.js';

describe('accountability rules', () => {
  it('escapes CSV cells and disarms spreadsheet formulas', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(18), '18');
    assert.equal(csvCell('a, b'), '"a, b"');
    assert.equal(csvCell('say "no"'), '"say ""no"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+7 900'), "'+7 900");
    assert.equal(csvCell('-2'), "'-2");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('=HYPERLINK("x","y")'), `"'=HYPERLINK(""x"",""y"")"`);
    assert.equal(csvRow(['a', '=b']), "a,'=b\r\n");
  });

  it('takes dates of the precision the sources give, and orders a timeline with unknown dates last', () => {
    assert.equal(checkPartialDate('2021', 'on'), '2021');
    assert.equal(checkPartialDate('2021-02-28', 'on'), '2021-02-28');
    assert.equal(checkPartialDate(null, 'on'), null);
    for (const bad of ['2021-13', '2021-02-30', '21-01', '2021/01']) assert.throws(() => checkPartialDate(bad, 'on'), { code: 'Invalid', details: { where: 'on' } });
    const events = [{ on: null, id: 1 }, { on: '2022-03-01', id: 2 }, { on: '2021', id: 3 }, { on: '2021-10', id: 4 }];
    assert.deepEqual(events.sort(compareTimeline).map((e) => e.id), [3, 4, 2, 1]);
    assert.equal(partialToDay('2020-02', 'end'), '2020-02-29');
    assert.equal(partialToDay('2019', 'start'), '2019-01-01');
  });

  it('derives outcomes: a criminal case by its latest status', () => {
    assert.equal(outcomeOf('dismissal', null), 'dismissed');
    assert.equal(outcomeOf('criminal-case', null), 'criminal-opened');
    assert.equal(outcomeOf('criminal-case', 'convicted'), 'criminal-convicted');
    assert.equal(outcomeOf('criminal-case', 'dismissed'), 'criminal-closed');
    assert.equal(outcomeOf('wanted-list-entry', 'opened'), 'wanted-list-entry');
  });

  it('finds a quote verbatim in a saved page, whitespace aside, and nothing else', () => {
    const page = '<!doctype html><p>18 officials\n  had been <b>fired</b>.</p><script>var x = "hidden words";</script>';
    assert.ok(quoteOccurs(readableText(page), '18 officials had been fired'));
    assert.ok(!quoteOccurs(readableText(page), '18 officials were fired'));
    assert.ok(!quoteOccurs(readableText(page), 'hidden words'));
    assert.ok(!quoteOccurs('The Officials', 'the officials'));
  });
});
