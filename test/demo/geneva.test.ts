import { checkAnchor, consolidate, findConflicts } from '../../src/core/amendments.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genevaScenario as s } from '../../src/demo/geneva.ts';
import { SOURCES } from '../../src/demo/geneva/sources.ts';
import { documentProblems, placeholderIds } from '../../src/core/document.ts';
import { checkRedLines, constraintProblems } from '../../src/core/redlines.ts';
import type { Issue, RedLine } from '../../src/core/model.ts';

const partyIds = new Set(s.parties.map((p) => p.id));
const userIds = new Set(s.users.map((u) => u.id));
const versionById = new Map(s.versions.map((v) => [v.id, v]));
const issues: Issue[] = s.issues.map((i) => ({ ...i, negotiationId: s.negotiation.id, revision: 1 }));
const redLines: RedLine[] = s.redLines.map((r) => ({ ...r, negotiationId: s.negotiation.id, revision: 1 }));
const allPointIds = new Set(s.versions.flatMap((v) => v.points.map((p) => p.id)));

function version(id: string) {
  const found = versionById.get(id);
  assert.ok(found, `version ${id} exists`);
  return found;
}

function pointIdsOf(versionId: string): Set<string> {
  return new Set(version(versionId).points.map((p) => p.id));
}

function unique(ids: string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    assert.ok(!seen.has(id), `${what} id "${id}" is unique`);
    seen.add(id);
  }
}

test('ids are unique within each collection', () => {
  unique(
    s.parties.map((p) => p.id),
    'party',
  );
  unique(
    s.users.map((u) => u.id),
    'user',
  );
  unique(
    s.users.map((u) => u.email),
    'email',
  );
  unique(
    s.issues.map((i) => i.id),
    'issue',
  );
  unique(
    s.issues.flatMap((i) => i.options.map((o) => o.id)),
    'option',
  );
  unique(
    s.versions.map((v) => v.id),
    'version',
  );
  unique(
    s.positions.map((p) => p.id),
    'position',
  );
  unique(
    s.redLines.map((r) => r.id),
    'red line',
  );
  unique(
    s.preferences.map((p) => p.id),
    'preference',
  );
  unique(
    s.rounds.map((r) => r.id),
    'round',
  );
  unique(
    s.statements.map((st) => st.id),
    'statement',
  );
  unique(
    s.tracks.map((t) => t.id),
    'track',
  );
  unique(
    s.transmissionRules.map((r) => r.id),
    'transmission rule',
  );
  unique(
    s.approvals.map((a) => a.id),
    'approval',
  );
});

test('parties use the fixed ids and the E3 coalition groups France, Germany and the UK', () => {
  assert.deepEqual([...partyIds].sort(), ['de', 'e3', 'eu', 'fr', 'ru', 'ua', 'uk', 'us']);
  const e3 = s.parties.find((p) => p.id === 'e3');
  assert.equal(e3?.kind, 'coalition');
  assert.deepEqual(e3?.memberPartyIds, ['fr', 'de', 'uk']);
  for (const party of s.parties) {
    for (const member of party.memberPartyIds) {
      assert.equal(s.parties.find((p) => p.id === member)?.kind, 'party', `${party.id} member ${member} is a party`);
    }
  }
});

test('demo accounts: fixed ids and emails, no administrators, memberships resolve', () => {
  const expected: Record<string, [string, string | null, string]> = {
    'u-mediator': ['mediator@demo.parley', null, 'mediator'],
    'u-us': ['us@demo.parley', 'us', 'lead'],
    'u-ua': ['ua@demo.parley', 'ua', 'lead'],
    'u-ru': ['ru@demo.parley', 'ru', 'lead'],
    'u-eu': ['eu@demo.parley', 'eu', 'lead'],
    'u-fr': ['fr@demo.parley', 'fr', 'lead'],
    'u-de': ['de@demo.parley', 'de', 'lead'],
    'u-uk': ['uk@demo.parley', 'uk', 'lead'],
    'u-us-principal': ['us-principal@demo.parley', 'us', 'principal'],
    'u-ua-principal': ['ua-principal@demo.parley', 'ua', 'principal'],
  };
  for (const [id, [email, partyId, role]] of Object.entries(expected)) {
    const user = s.users.find((u) => u.id === id);
    assert.ok(user, `user ${id} exists`);
    assert.equal(user.email, email);
    assert.deepEqual(
      user.memberships.map((m) => [m.partyId, m.role]),
      [[partyId, role]],
    );
  }
  for (const user of s.users) {
    assert.equal(user.isAdmin, false, `${user.id} is not an administrator`);
    assert.match(user.email, /@demo\.parley$/);
    assert.ok(user.memberships.length > 0, `${user.id} has a membership`);
    for (const m of user.memberships) {
      if (m.role === 'mediator') assert.equal(m.partyId, null, `mediator ${user.id} belongs to no party`);
      else assert.ok(m.partyId !== null && partyIds.has(m.partyId), `${user.id} belongs to a known party`);
      assert.notEqual(m.partyId, 'e3', 'E3 advisers sit in their national delegations');
      assert.ok(m.title.length > 0, `${user.id} has a title`);
    }
  }
});

test('versions come after their parents, and every reference in them resolves', () => {
  const seen = new Set<string>();
  const trackIds = new Set(s.tracks.map((t) => t.id));
  for (const v of s.versions) {
    if (v.parentId !== null) assert.ok(seen.has(v.parentId), `${v.id}: parent ${v.parentId} comes first`);
    seen.add(v.id);
    assert.ok(v.authorPartyId === null || partyIds.has(v.authorPartyId), `${v.id}: author exists`);
    assert.ok(v.createdBy === null || userIds.has(v.createdBy), `${v.id}: createdBy exists`);
    for (const r of v.recipientPartyIds) assert.ok(partyIds.has(r), `${v.id}: recipient ${r} exists`);
    unique(v.recipientPartyIds, `${v.id} recipient`);
    if (v.authorPartyId !== null)
      assert.ok(v.recipientPartyIds.includes(v.authorPartyId), `${v.id}: recipients include the author`);
    for (const point of v.points) {
      for (const issueId of point.issueIds)
        assert.ok(
          issues.some((i) => i.id === issueId),
          `${v.id}/${point.id}: issue ${issueId} exists`,
        );
      if (point.trackId !== null) {
        assert.ok(trackIds.has(point.trackId), `${v.id}/${point.id}: track exists`);
        assert.ok(
          s.tracks.find((t) => t.id === point.trackId)?.pointIds.includes(point.id),
          `${v.id}/${point.id}: listed in its track`,
        );
      }
    }
    for (const [issueId, optionId] of Object.entries(v.optionChoices)) {
      const issue = issues.find((i) => i.id === issueId);
      assert.ok(issue, `${v.id}: optionChoices issue ${issueId} exists`);
      assert.ok(
        issue.options.some((o) => o.id === optionId),
        `${v.id}: ${issueId} has option ${optionId}`,
      );
    }
    assert.ok(v.summary.length > 0 && (v.source ?? '').length > 0, `${v.id}: summary and source`);
  }
});

test('point ids are unique per version, numbered 1..n, and brackets match their placeholders', () => {
  for (const v of s.versions) {
    assert.deepEqual(documentProblems(v.points), [], `${v.id} obeys the document rules`);
    v.points.forEach((point, index) => assert.equal(point.number, index + 1, `${v.id}/${point.id} numbered in order`));
    for (const point of v.points) {
      const placed = placeholderIds(point.text);
      assert.deepEqual(
        [...placed].sort(),
        point.brackets.map((b) => b.id).sort(),
        `${v.id}/${point.id}: each bracket placed exactly once`,
      );
      for (const bracket of point.brackets) {
        for (const alternative of bracket.alternatives) {
          assert.ok(alternative.proposedBy.length > 0, `${bracket.id}: alternative has a proposer`);
          for (const p of alternative.proposedBy) assert.ok(partyIds.has(p), `${bracket.id}: proposer ${p} exists`);
        }
      }
    }
  }
});

test('the US draft has 28 points pt-1..pt-28, later versions reuse their ids, and Geneva has 19', () => {
  assert.deepEqual(
    version('v-us-28').points.map((p) => p.id),
    Array.from({ length: 28 }, (_, i) => `pt-${i + 1}`),
  );
  const base = pointIdsOf('v-us-28');
  for (const v of s.versions)
    for (const p of v.points)
      if (v.id !== 'v-us-early' || p.id !== 'pt-aid-audit')
        assert.ok(base.has(p.id), `${v.id}/${p.id} keeps an original id`);
  assert.equal(version('v-geneva-19').points.length, 19);
  assert.ok(!pointIdsOf('v-geneva-19').has('pt-26'), 'the amnesty point is not among the 19 (S42)');
  assert.ok(!pointIdsOf('v-e3-counter').has('pt-3'), 'the E3 deleted point 3');
  assert.ok(
    version('v-geneva-19').points.some((p) => p.brackets.length > 0),
    'contested language is bracketed',
  );
  assert.equal(s.negotiation.currentVersionId, 'v-geneva-19');
  assert.ok(!version('v-geneva-19').recipientPartyIds.includes('ru'), 'Russia has not received the post-Geneva text');
});

test('issues list points that exist, and every option has a label and a description', () => {
  for (const issue of s.issues) {
    assert.ok(issue.options.length >= 2, `${issue.id} has options`);
    for (const pointId of issue.pointIds) assert.ok(allPointIds.has(pointId), `${issue.id}: point ${pointId} exists`);
    for (const o of issue.options) assert.ok(o.label.length > 0 && o.description.length > 0, `${o.id} described`);
  }
});

test('positions refer to points of versions their party has received', () => {
  for (const p of s.positions) {
    const v = version(p.versionId);
    assert.ok(partyIds.has(p.partyId), `${p.id}: party exists`);
    assert.ok(pointIdsOf(p.versionId).has(p.pointId), `${p.id}: ${p.pointId} exists in ${p.versionId}`);
    assert.ok(v.recipientPartyIds.includes(p.partyId), `${p.id}: ${p.partyId} has received ${p.versionId}`);
    assert.ok(p.updatedBy === null || userIds.has(p.updatedBy), `${p.id}: updatedBy exists`);
    if (p.stance === 'amend') assert.ok(p.proposedText, `${p.id}: an amendment proposes wording`);
    assert.ok(p.rationale.length > 0, `${p.id}: rationale`);
  }
});

test('every party holds a private position, and private material is marked illustrative', () => {
  for (const party of partyIds) {
    assert.ok(
      s.positions.some((p) => p.partyId === party && p.visibility === 'party'),
      `${party} has a party-only position`,
    );
  }
  for (const p of s.positions.filter((p) => p.visibility === 'party'))
    assert.match(p.source ?? '', /illustrative/, p.id);
  for (const r of s.redLines.filter((r) => r.visibility === 'party'))
    assert.match(r.source ?? '', /illustrative/, r.id);
  assert.ok(
    s.positions.some((p) => p.visibility === 'mediator'),
    'some positions are shared with the mediator',
  );
  assert.ok(s.positions.filter((p) => p.visibility === 'public').length >= 20, 'many positions are public');
});

test('differences narrow from the US draft to the Geneva framework for the US, Ukraine and the E3', () => {
  const share = (versionId: string, stances: string[]) => {
    const mine = s.positions.filter((p) => p.versionId === versionId && ['us', 'ua', 'e3'].includes(p.partyId));
    return mine.filter((p) => stances.includes(p.stance)).length / mine.length;
  };
  assert.ok(share('v-geneva-19', ['support']) > share('v-us-28', ['support']), 'more support');
  assert.ok(
    share('v-geneva-19', ['oppose', 'red_line']) < share('v-us-28', ['oppose', 'red_line']),
    'fewer objections',
  );
});

test('red lines are well formed; the US draft crosses several of Ukraine’s and the EU’s', () => {
  for (const r of redLines) {
    assert.ok(partyIds.has(r.partyId), `${r.id}: party exists`);
    assert.deepEqual(constraintProblems(r.constraint, issues), [], r.id);
  }
  assert.ok(
    redLines.some((r) => r.visibility === 'party'),
    'some red lines are private',
  );
  const parties = s.parties.map((p) => ({ id: p.id, shortName: p.shortName }));
  const crossed = (versionId: string) => checkRedLines(version(versionId), redLines, issues, parties).crossings;
  const us28 = crossed('v-us-28');
  assert.ok(us28.filter((c) => c.partyId === 'ua').length >= 2, 'crosses Ukraine’s red lines');
  assert.ok(us28.filter((c) => c.partyId === 'eu').length >= 2, 'crosses the EU’s red lines');
  assert.ok(crossed('v-geneva-19').length < us28.length, 'the Geneva framework crosses fewer red lines');
  assert.ok(
    crossed('v-e3-counter').some((c) => c.partyId === 'ru'),
    'the E3 text crosses Russia’s red lines',
  );
});

test('preferences: weights sum to 1 and every option of every issue has a score in [0, 1]', () => {
  for (const party of ['us', 'ua', 'ru', 'eu', 'e3'])
    assert.ok(
      s.preferences.some((p) => p.partyId === party),
      `${party} has a preference`,
    );
  for (const pref of s.preferences) {
    assert.ok(partyIds.has(pref.partyId), `${pref.id}: party exists`);
    assert.equal(pref.illustrative, true, `${pref.id} is illustrative`);
    assert.match(pref.note, /not reported/, `${pref.id} says it is modelled`);
    assert.ok(pref.reservation >= 0 && pref.reservation <= 1, `${pref.id}: reservation in [0, 1]`);
    const total = Object.values(pref.weights).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) <= 1e-9, `${pref.id}: weights sum to 1 (got ${total})`);
    assert.deepEqual(
      Object.keys(pref.weights).sort(),
      s.issues.map((i) => i.id).sort(),
      `${pref.id}: a weight per issue`,
    );
    for (const issue of s.issues) {
      assert.deepEqual(
        Object.keys(pref.scores[issue.id] ?? {}).sort(),
        issue.options.map((o) => o.id).sort(),
        `${pref.id}/${issue.id}: a score per option`,
      );
      for (const o of issue.options) {
        const score = pref.scores[issue.id]?.[o.id] ?? -1;
        assert.ok(score >= 0 && score <= 1, `${pref.id}/${o.id}: score in [0, 1]`);
      }
    }
  }
  assert.ok(
    s.preferences.some((p) => p.visibility === 'mediator') && s.preferences.some((p) => p.visibility === 'party'),
  );
});

test('rounds, statements and tracks refer to things that exist', () => {
  for (const round of s.rounds) {
    for (const part of round.participants)
      assert.ok(partyIds.has(part.partyId), `${round.id}: participant ${part.partyId}`);
    if (round.versionId !== null) {
      const points = pointIdsOf(round.versionId);
      for (const pointId of round.agendaPointIds)
        assert.ok(points.has(pointId), `${round.id}: agenda ${pointId} in ${round.versionId}`);
    }
    if (round.outcomeVersionId !== null) version(round.outcomeVersionId);
    for (const st of round.statements)
      for (const party of st.signatoryPartyIds) assert.ok(partyIds.has(party), `${st.id}: signatory ${party}`);
  }
  const geneva = s.rounds.find((r) => r.id === 'round-geneva');
  assert.equal(geneva?.outcomeVersionId, 'v-geneva-19');
  assert.deepEqual(geneva?.statements[0]?.signatoryPartyIds, ['us', 'ua']);
  for (const st of s.statements) {
    assert.ok(st.partyId === null || partyIds.has(st.partyId), `${st.id}: party`);
    for (const pointId of st.pointIds) assert.ok(allPointIds.has(pointId), `${st.id}: point ${pointId}`);
    assert.ok(st.speaker && st.quote && st.date, `${st.id}: speaker, quote, date`);
  }
  for (const track of s.tracks) {
    for (const pointId of track.pointIds) assert.ok(allPointIds.has(pointId), `${track.id}: point ${pointId}`);
    for (const party of track.partyIds) assert.ok(partyIds.has(party), `${track.id}: party ${party}`);
  }
  assert.ok(
    !s.tracks.find((t) => t.id === 'track-eu-nato')?.partyIds.includes('ru'),
    'Russia is not in the EU–NATO format',
  );
});

test('the transmission rule names principals of its author parties and is pending, so Russia has not received the text', () => {
  for (const rule of s.transmissionRules) {
    for (const stage of rule.stages) {
      for (const approver of stage.approverUserIds) {
        const user = s.users.find((u) => u.id === approver);
        assert.ok(
          user?.memberships.some(
            (m) => m.role === 'principal' && m.partyId !== null && rule.fromPartyIds.includes(m.partyId),
          ),
          `${stage.id}: ${approver} is a principal of an author party`,
        );
      }
    }
    for (const party of [...rule.fromPartyIds, ...rule.toPartyIds])
      assert.ok(partyIds.has(party), `${rule.id}: ${party}`);
  }
  for (const a of s.approvals) {
    const rule = s.transmissionRules.find((r) => r.id === a.ruleId);
    const stage = rule?.stages.find((st) => st.id === a.stageId);
    assert.ok(stage?.approverUserIds.includes(a.userId), `${a.id}: approver of its stage`);
    assert.ok(
      s.versions.some((v) => v.id === a.versionId),
      `${a.id}: on a version of the scenario`,
    );
  }
  const rule = s.transmissionRules.find((r) => r.id === 'rule-presidents-before-moscow');
  assert.deepEqual(rule?.fromPartyIds, ['us', 'ua']);
  assert.deepEqual(rule?.toPartyIds, ['ru']);
  const stage = rule?.stages[0];
  assert.deepEqual([...(stage?.approverUserIds ?? [])].sort(), ['u-ua-principal', 'u-us-principal']);
  assert.equal(stage?.mode, 'all');
  assert.equal(stage?.deadline, '2025-11-27T23:59:00-05:00');
  const approved = new Set(
    s.approvals
      .filter((a) => a.ruleId === rule?.id && a.versionId === 'v-geneva-19' && a.decision === 'approve')
      .map((a) => a.userId),
  );
  assert.ok(
    (stage?.approverUserIds ?? []).some((u) => !approved.has(u)),
    'the rule is pending for the post-Geneva text',
  );
  assert.ok(!version('v-geneva-19').recipientPartyIds.includes('ru'), 'Russia waits for the presidents');
});

test('every fact has a source, and cited source ids are those of the brief', () => {
  const sources: [string, string | null][] = [
    ...s.versions.map((v): [string, string | null] => [v.id, v.source]),
    ...s.positions.map((p): [string, string | null] => [p.id, p.source]),
    ...s.redLines.map((r): [string, string | null] => [r.id, r.source]),
    ...s.rounds.map((r): [string, string | null] => [r.id, r.source]),
    ...s.rounds.flatMap((r) => r.statements.map((st): [string, string | null] => [st.id, st.source])),
    ...s.statements.map((st): [string, string | null] => [st.id, st.source]),
  ];
  for (const [id, source] of sources) {
    assert.ok(source && source.trim().length > 0, `${id} has a source`);
    for (const match of source.matchAll(/\b(S\d+[a-z]?) (https?:\/\/\S+)/g)) {
      const [, sid, url] = match;
      const known = SOURCES[sid as keyof typeof SOURCES] as string | undefined;
      assert.ok(known, `${id}: ${sid} is a source of the brief`);
      assert.ok(known.startsWith((url ?? '').replace(/[;,]$/, '')), `${id}: ${sid} carries its URL`);
    }
  }
});

test('Ukraine’s two amendments to the earlier US draft, folded in by the US, give the 28 points (S43)', () => {
  const folded = (s.amendments ?? []).filter((a) => a.consolidatedIn === 'v-us-28');
  assert.deepEqual(
    folded.map((a) => [a.id, a.partyId, a.versionId, a.tabledTo, a.change.kind]),
    [
      ['am-ua-aid-audit', 'ua', 'v-us-early', 'mediators', 'deletePoint'],
      ['am-ua-amnesty', 'ua', 'v-us-early', 'mediators', 'addPoint'],
    ],
    'tabled to the mediators (and the US, whose text it is), never to the table: Russia is not to learn whose words they are',
  );
  assert.equal(version('v-us-28').parentId, 'v-us-early');
  assert.deepEqual(version('v-us-early').recipientPartyIds, ['us', 'ua']);
  const made = consolidate(version('v-us-early').points, folded, {
    newPointId: (id) => folded.find((a) => a.id === id)!.newPointId!,
  });
  assert.deepEqual(
    made.points.map((p) => [p.id, p.number, p.title, p.text]),
    version('v-us-28').points.map((p) => [p.id, p.number, p.title, p.text]),
  );
  assert.match(version('v-us-early').points.find((p) => p.number === 26)!.text, /audit/);
});

test('the pending amendments of the single negotiating text apply to it and do not conflict', () => {
  const table = version('v-table-28');
  assert.equal(table.authorPartyId, null, 'a text of the table: the mediators hold its pen');
  assert.equal(table.parentId, 'v-us-28');
  assert.deepEqual(table.recipientPartyIds.toSorted(), ['de', 'e3', 'eu', 'fr', 'ru', 'ua', 'uk', 'us']);
  const pending = (s.amendments ?? []).filter((a) => a.versionId === 'v-table-28');
  for (const a of pending) {
    assert.equal(a.decision, null, `${a.id} waits for the mediators`);
    checkAnchor(table.points, a.change, a.id);
    assert.equal(a.tabledTo, a.partyId === 'e3' ? 'table' : 'mediators', `${a.id}: its audience`);
  }
  assert.ok(pending.filter((a) => a.partyId === 'e3').length >= 10, 'the E3 counter-proposal’s main changes');
  assert.deepEqual(findConflicts(table.points, pending), []);
  // One clause stays contested in brackets, in a point no pending amendment reaches: the table closes it.
  const bracketed = table.points.filter((p) => p.brackets.length > 0);
  assert.deepEqual(
    bracketed.map((p) => [p.id, p.brackets.map((b) => b.id)]),
    [['pt-13', ['br-sanctions']]],
  );
  for (const a of pending) assert.notEqual('pointId' in a.change ? a.change.pointId : null, 'pt-13', a.id);
  // Accepting every one gives the E3's wording of the points they change.
  const made = consolidate(
    table.points,
    pending.filter((a) => a.partyId === 'e3'),
    { newPointId: (id) => id },
  );
  const e3 = version('v-e3-counter');
  for (const id of ['pt-2', 'pt-4', 'pt-5', 'pt-6', 'pt-7', 'pt-8', 'pt-9', 'pt-14', 'pt-21'])
    assert.equal(made.points.find((p) => p.id === id)!.text, e3.points.find((p) => p.id === id)!.text, id);
  assert.deepEqual(
    made.points.map((p) => p.id),
    e3.points.map((p) => p.id),
    'points 3 and 26 go, as in the counter-proposal',
  );
});
