import { defineEntity, p } from '@mikro-orm/postgresql';
import { actorProperties } from '../handling/actor.ts';
import { itemKey, type Row } from '../suggestions/suggestion.entity.ts';

/** 主任会议听取: the council of chairpersons hears the handling of one key item (S-9). */
export const KeyHearingSchema = defineEntity({
  name: 'KeyHearingRow',
  tableName: 'key_hearings',
  properties: {
    id: p.uuid().primary(),
    suggestionId: () => itemKey().index(),
    heldOn: p.date().index(),
    summary: p.text(),
    decisions: p.text().nullable(),
    at: p.datetime(),
    ...actorProperties(),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
  },
});
export type KeyHearingRow = Row<typeof KeyHearingSchema>;

/** 常委会满意度测评: the standing committee's tally of satisfaction with one key item's handling (S-9). */
export const CommitteeVoteSchema = defineEntity({
  name: 'CommitteeVoteRow',
  tableName: 'committee_votes',
  checks: [
    {
      name: 'committee_votes_tally_check',
      expression:
        '"members_present" > 0 and "satisfied" >= 0 and "basically_satisfied" >= 0 and "dissatisfied" >= 0 and ' +
        '"satisfied" + "basically_satisfied" + "dissatisfied" <= "members_present"',
    },
  ],
  uniques: [{ name: 'committee_votes_suggestion_round_unique', properties: ['suggestionId', 'round'] }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: itemKey,
    round: p.integer(),
    votedOn: p.date().index(),
    membersPresent: p.integer(),
    satisfied: p.integer(),
    basicallySatisfied: p.integer(),
    dissatisfied: p.integer(),
    at: p.datetime(),
    ...actorProperties(),
    /** 更正: the tally's version, for `correctCommitteeVote` (a stale one is CONFLICT). */
    version: p.integer().default(1),
  },
});
export type CommitteeVoteRow = Row<typeof CommitteeVoteSchema>;
