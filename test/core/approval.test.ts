import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { approvalStatus, decisionRefusal } from '../../src/core/approval.ts';
import { approval, stage } from './builders.ts';

const NOW = '2025-11-25T12:00:00Z';
// "The final text must be approved by Zelensky and Trump before it is sent to Moscow."
const presidents = stage('presidents', 'all', ['u-ua', 'u-us']);
const ministers = stage('ministers', 'any', ['u-ua-fm', 'u-us-sos']);
const policy = { stages: [presidents, ministers] };

describe('approvalStatus', () => {
  test('an all-of stage waits for every principal', () => {
    const status = approvalStatus(
      { stages: [presidents] },
      [approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z')],
      NOW,
    );
    assert.equal(status.state, 'in_progress');
    assert.equal(status.complete, false);
    assert.equal(status.currentStageId, 'presidents');
    assert.equal(status.stages[0]!.state, 'pending');
    assert.deepEqual(status.stages[0]!.approvedBy, ['u-ua']);
    assert.deepEqual(status.stages[0]!.awaiting, ['u-us']);

    const both = approvalStatus(
      { stages: [presidents] },
      [
        approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
        approval('presidents', 'u-us', 'approve', '2025-11-25T11:00:00Z'),
      ],
      NOW,
    );
    assert.equal(both.stages[0]!.state, 'approved');
    assert.equal(both.state, 'approved');
    assert.equal(both.complete, true);
    assert.equal(both.currentStageId, null);
    assert.deepEqual(both.stages[0]!.awaiting, []);
  });

  test('an all-of stage is rejected by one rejection, and the chain with it', () => {
    const status = approvalStatus(
      policy,
      [
        approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
        approval('presidents', 'u-us', 'reject', '2025-11-25T11:00:00Z'),
      ],
      NOW,
    );
    assert.equal(status.stages[0]!.state, 'rejected');
    assert.deepEqual(status.stages[0]!.rejectedBy, ['u-us']);
    assert.equal(status.state, 'rejected');
    assert.equal(status.complete, false);
    assert.equal(status.currentStageId, null);
    assert.equal(status.stages[1]!.state, 'waiting');
  });

  test('an any-of stage completes with one approval', () => {
    const status = approvalStatus(
      { stages: [ministers] },
      [approval('ministers', 'u-us-sos', 'approve', '2025-11-25T10:00:00Z')],
      NOW,
    );
    assert.equal(status.stages[0]!.state, 'approved');
    assert.equal(status.complete, true);
  });

  test('an any-of stage is rejected only when every principal rejected', () => {
    const one = approvalStatus(
      { stages: [ministers] },
      [approval('ministers', 'u-ua-fm', 'reject', '2025-11-25T10:00:00Z')],
      NOW,
    );
    assert.equal(one.stages[0]!.state, 'pending');
    assert.equal(one.state, 'in_progress');
    const all = approvalStatus(
      { stages: [ministers] },
      [
        approval('ministers', 'u-ua-fm', 'reject', '2025-11-25T10:00:00Z'),
        approval('ministers', 'u-us-sos', 'reject', '2025-11-25T10:30:00Z'),
      ],
      NOW,
    );
    assert.equal(all.stages[0]!.state, 'rejected');
    assert.equal(all.state, 'rejected');
  });

  test('the next stage waits until the previous one is approved', () => {
    // A minister's approval recorded early does not open or complete the ministers' stage.
    const early = approvalStatus(policy, [approval('ministers', 'u-us-sos', 'approve', '2025-11-25T09:00:00Z')], NOW);
    assert.deepEqual(
      early.stages.map((s) => s.state),
      ['pending', 'waiting'],
    );
    assert.equal(early.currentStageId, 'presidents');
    assert.equal(early.complete, false);

    const presidentsDone = [
      approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
      approval('presidents', 'u-us', 'approve', '2025-11-25T11:00:00Z'),
    ];
    const opened = approvalStatus(policy, presidentsDone, NOW);
    assert.deepEqual(
      opened.stages.map((s) => s.state),
      ['approved', 'pending'],
    );
    assert.equal(opened.currentStageId, 'ministers');
    assert.equal(opened.state, 'in_progress');

    const done = approvalStatus(
      policy,
      [...presidentsDone, approval('ministers', 'u-ua-fm', 'approve', '2025-11-25T11:30:00Z')],
      NOW,
    );
    assert.deepEqual(
      done.stages.map((s) => s.state),
      ['approved', 'approved'],
    );
    assert.equal(done.complete, true);
  });

  test('a stage past its deadline is overdue but still open', () => {
    const withDeadline = { stages: [stage('presidents', 'all', ['u-ua', 'u-us'], '2025-11-27T23:59:00-05:00')] };
    const before = approvalStatus(withDeadline, [], '2025-11-28T04:58:00Z');
    assert.equal(before.stages[0]!.state, 'pending', 'one minute before the deadline (the offset counts)');
    const after = approvalStatus(withDeadline, [], '2025-11-28T05:00:00Z');
    assert.equal(after.stages[0]!.state, 'overdue');
    assert.equal(after.state, 'in_progress');
    assert.equal(after.currentStageId, 'presidents');
    assert.deepEqual(after.stages[0]!.awaiting, ['u-ua', 'u-us']);
    assert.equal(
      decisionRefusal(withDeadline, [], 'presidents', 'u-us', '2025-11-28T05:00:00Z'),
      null,
      'decisions are still taken',
    );
    const late = approvalStatus(
      withDeadline,
      [
        approval('presidents', 'u-ua', 'approve', '2025-11-28T06:00:00Z'),
        approval('presidents', 'u-us', 'approve', '2025-11-28T07:00:00Z'),
      ],
      '2025-11-28T08:00:00Z',
    );
    assert.equal(late.stages[0]!.state, 'approved', 'a decided stage is no longer overdue');
  });

  test('a deadline given as a date lasts until that day is over', () => {
    const byDate = { stages: [stage('presidents', 'all', ['u-ua', 'u-us'], '2025-11-27')] };
    // 09:00Z on the 27th: the 27th has not ended in any time zone.
    assert.equal(approvalStatus(byDate, [], '2025-11-27T09:00:00Z').stages[0]!.state, 'pending');
    assert.equal(approvalStatus(byDate, [], '2025-11-29T00:00:00Z').stages[0]!.state, 'overdue');
  });

  test('a later decision of the same principal replaces the earlier one', () => {
    const changedMind = approvalStatus(
      { stages: [presidents] },
      [
        approval('presidents', 'u-us', 'approve', '2025-11-25T10:00:00Z'),
        approval('presidents', 'u-us', 'reject', '2025-11-25T11:00:00Z'),
      ],
      NOW,
    );
    assert.equal(changedMind.stages[0]!.state, 'rejected');
    assert.deepEqual(changedMind.stages[0]!.approvedBy, []);
    assert.deepEqual(changedMind.stages[0]!.rejectedBy, ['u-us']);

    // Order of the list does not matter: the later timestamp wins.
    const listedOutOfOrder = approvalStatus(
      { stages: [ministers] },
      [
        approval('ministers', 'u-ua-fm', 'approve', '2025-11-25T11:00:00Z'),
        approval('ministers', 'u-ua-fm', 'reject', '2025-11-25T10:00:00Z'),
      ],
      NOW,
    );
    assert.equal(listedOutOfOrder.stages[0]!.state, 'approved');
    assert.deepEqual(listedOutOfOrder.stages[0]!.rejectedBy, []);
  });

  test('a later decision replaces the earlier one even when the times are written with different offsets or precision', () => {
    // 18:00+02:00 is 16:00Z; the rejection at 17:00Z is an hour later and must win.
    const offsets = approvalStatus(
      { stages: [presidents] },
      [
        approval('presidents', 'u-us', 'approve', '2025-11-25T18:00:00+02:00'),
        approval('presidents', 'u-us', 'reject', '2025-11-25T17:00:00.000Z'),
      ],
      NOW,
    );
    assert.equal(offsets.stages[0]!.state, 'rejected');
    // 16:00:00.500Z is half a second after 16:00:00Z and must win.
    const precision = approvalStatus(
      { stages: [presidents] },
      [
        approval('presidents', 'u-us', 'approve', '2025-11-25T16:00:00Z'),
        approval('presidents', 'u-us', 'reject', '2025-11-25T16:00:00.500Z'),
      ],
      NOW,
    );
    assert.equal(precision.stages[0]!.state, 'rejected');
  });

  test('one send-back sends an all-of stage back: not approved, not cleared, still open to its principals', () => {
    const decisions = [
      approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
      approval('presidents', 'u-us', 'send_back', '2025-11-25T11:00:00Z'),
    ];
    const status = approvalStatus(policy, decisions, NOW);
    assert.equal(status.stages[0]!.state, 'sent_back');
    assert.deepEqual(status.stages[0]!.sentBackBy, ['u-us']);
    assert.deepEqual(status.stages[0]!.rejectedBy, []);
    assert.deepEqual(status.stages[0]!.approvedBy, ['u-ua']);
    assert.deepEqual(status.stages[0]!.awaiting, ['u-us'], 'the approval still needed is the one of who sent it back');
    assert.equal(status.state, 'sent_back');
    assert.equal(status.cleared, false);
    assert.equal(status.complete, false);
    assert.equal(status.currentStageId, 'presidents', 'a sent-back stage stays open for decisions');
    assert.equal(status.stages[1]!.state, 'waiting');
    assert.equal(decisionRefusal(policy, decisions, 'presidents', 'u-us', NOW), null);
  });

  test('at an all-of stage a rejection outweighs a send-back, and is final', () => {
    const decisions = [
      approval('presidents', 'u-ua', 'send_back', '2025-11-25T10:00:00Z'),
      approval('presidents', 'u-us', 'reject', '2025-11-25T11:00:00Z'),
    ];
    const status = approvalStatus(policy, decisions, NOW);
    assert.equal(status.stages[0]!.state, 'rejected');
    assert.equal(status.state, 'rejected');
    assert.deepEqual(status.stages[0]!.sentBackBy, ['u-ua']);
    assert.equal(
      decisionRefusal(policy, decisions, 'presidents', 'u-ua', NOW),
      'the approval chain is already rejected',
    );
  });

  test('an any-of stage is sent back when no one approved and someone sent it back, and another approval clears it', () => {
    const sentBack = [approval('ministers', 'u-ua-fm', 'send_back', '2025-11-25T10:00:00Z')];
    const one = approvalStatus({ stages: [ministers] }, sentBack, NOW);
    assert.equal(one.stages[0]!.state, 'sent_back');
    assert.equal(one.state, 'sent_back');
    assert.equal(one.cleared, false);
    assert.deepEqual(one.stages[0]!.awaiting, ['u-ua-fm', 'u-us-sos']);

    const mixed = approvalStatus(
      { stages: [ministers] },
      [...sentBack, approval('ministers', 'u-us-sos', 'reject', '2025-11-25T10:30:00Z')],
      NOW,
    );
    assert.equal(mixed.stages[0]!.state, 'sent_back', 'not every principal rejected: a revision may still pass');

    const approved = approvalStatus(
      { stages: [ministers] },
      [...sentBack, approval('ministers', 'u-us-sos', 'approve', '2025-11-25T10:30:00Z')],
      NOW,
    );
    assert.equal(approved.stages[0]!.state, 'approved', 'one approval is enough at an any-of stage');
    assert.equal(approved.cleared, true);
  });

  test('a send-back is decided even past the deadline, and a later approval by the same principal replaces it', () => {
    const late = stage('presidents', 'all', ['u-ua', 'u-us'], '2025-11-20T00:00:00Z');
    const sentBack = [
      approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
      approval('presidents', 'u-us', 'send_back', '2025-11-25T11:00:00Z'),
    ];
    assert.equal(approvalStatus({ stages: [late] }, sentBack, NOW).stages[0]!.state, 'sent_back');
    const changedMind = approvalStatus(
      { stages: [late] },
      [...sentBack, approval('presidents', 'u-us', 'approve', '2025-11-25T11:30:00Z')],
      NOW,
    );
    assert.equal(changedMind.stages[0]!.state, 'approved');
    assert.deepEqual(changedMind.stages[0]!.sentBackBy, []);
    assert.equal(changedMind.cleared, true);
    const sentBackAfterApproving = approvalStatus(
      { stages: [late] },
      [
        approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
        approval('presidents', 'u-ua', 'send_back', '2025-11-25T10:10:00Z'),
      ],
      NOW,
    );
    assert.deepEqual(sentBackAfterApproving.stages[0]!.approvedBy, []);
    assert.deepEqual(sentBackAfterApproving.stages[0]!.sentBackBy, ['u-ua']);
  });

  test('decisions of people who are not principals of the stage, or for another stage, do not count', () => {
    const status = approvalStatus(
      { stages: [presidents] },
      [
        approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
        approval('presidents', 'u-intruder', 'approve', '2025-11-25T10:00:00Z'),
        approval('other', 'u-us', 'approve', '2025-11-25T10:00:00Z'),
      ],
      NOW,
    );
    assert.equal(status.stages[0]!.state, 'pending');
    assert.deepEqual(status.stages[0]!.approvedBy, ['u-ua']);
  });
});

describe('decisionRefusal', () => {
  test('a named principal of the open stage may decide', () => {
    assert.equal(decisionRefusal(policy, [], 'presidents', 'u-us', NOW), null);
  });

  test('decisionRefusal refuses a non-approver', () => {
    assert.equal(
      decisionRefusal(policy, [], 'presidents', 'u-us-sos', NOW),
      'you are not one of the principals who approve stage "Stage presidents"',
    );
  });

  test('decisionRefusal refuses a stage that is not open', () => {
    assert.match(
      decisionRefusal(policy, [], 'ministers', 'u-us-sos', NOW) ?? '',
      /stage "Stage ministers" is not open for decisions/,
    );
  });

  test('decisionRefusal refuses an unknown stage and a chain that is already decided', () => {
    assert.equal(decisionRefusal(policy, [], 'nope', 'u-us', NOW), 'this approval chain has no stage "nope"');
    const rejected = [approval('presidents', 'u-us', 'reject', '2025-11-25T10:00:00Z')];
    assert.equal(
      decisionRefusal(policy, rejected, 'presidents', 'u-ua', NOW),
      'the approval chain is already rejected',
    );
    const approved = [
      approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
      approval('presidents', 'u-us', 'approve', '2025-11-25T10:00:00Z'),
      approval('ministers', 'u-us-sos', 'approve', '2025-11-25T11:00:00Z'),
    ];
    assert.equal(
      decisionRefusal(policy, approved, 'ministers', 'u-ua-fm', NOW),
      'the approval chain is already approved',
    );
  });

  test('a principal of an approved stage may no longer decide on it once the next stage is open', () => {
    const presidentsDone = [
      approval('presidents', 'u-ua', 'approve', '2025-11-25T10:00:00Z'),
      approval('presidents', 'u-us', 'approve', '2025-11-25T11:00:00Z'),
    ];
    assert.match(decisionRefusal(policy, presidentsDone, 'presidents', 'u-us', NOW) ?? '', /is not open for decisions/);
    assert.equal(decisionRefusal(policy, presidentsDone, 'ministers', 'u-ua-fm', NOW), null);
  });
});
