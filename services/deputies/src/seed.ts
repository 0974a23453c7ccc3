import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';
import { demoId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, currentYear } from '@renda/server-kit/dates';
import { seedContext, type SeedContext } from '@renda/server-kit/seeding';
import { readSettings } from './env.ts';
import type { Deputy, Gender } from './modules/deputies/deputy.entity.ts';
import { createDeputy, createGroup, createStation, setStationStandards } from './modules/deputies/deputies.service.ts';
import { recordDutyReportEvaluation } from './modules/duty-reports/duty-reports.service.ts';
import { reviewGroup } from './modules/groups/groups.service.ts';
import type { ContactKind } from './modules/liaison/liaison.entity.ts';
import {
  assignDeputies,
  createCommitteeMember,
  createGovernmentLeader,
  linkDeputies,
  recordAttendance,
  recordContact,
  type RecordContactInput,
} from './modules/liaison/liaison.service.ts';
import { createCommitteeMeeting, recordCommitteeAttendance } from './modules/meetings/meetings.service.ts';
import { RegionSchema, type RegionLevel } from './modules/regions/region.entity.ts';
import { createCongress, createRegion, createSession } from './modules/regions/regions.service.ts';

const regions: [string, string, RegionLevel][] = [
  ['43', '湖南省', 'PROVINCE'],
  ['4301', '长沙市', 'CITY'],
  ['430181', '浏阳市', 'COUNTY'],
  ['430181104', '永安镇', 'TOWNSHIP'],
  ['4306', '岳阳市', 'CITY'],
  ['430602', '岳阳楼区', 'COUNTY'],
];

/** Congresses of the demo, with the deputies each seats (Yong'an's 79 are from the 2024 bulletin). */
const congresses: { region: string; name: string; term: number; deputies: number; members: number }[] = [
  { region: '430181104', name: '永安镇第十八届人民代表大会', term: 18, deputies: 79, members: 0 },
  { region: '430181', name: '浏阳市第十八届人民代表大会', term: 18, deputies: 40, members: 8 },
  { region: '4306', name: '岳阳市第九届人民代表大会', term: 9, deputies: 30, members: 8 },
];

const surnames =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢';
const givenNames = [
  '建国',
  '秀英',
  '志强',
  '丽华',
  '伟',
  '芳',
  '军',
  '敏',
  '海燕',
  '德明',
  '红梅',
  '国庆',
  '小平',
  '春兰',
  '文斌',
  '桂香',
  '永红',
  '晓东',
  '金凤',
  '明辉',
  '雪梅',
  '立新',
  '玉兰',
  '振华',
];
const positions = [
  '村党支部书记',
  '村民委员会主任',
  '合作社理事长',
  '乡村医生',
  '小学教师',
  '个体工商户',
  '企业职工',
  '种植大户',
  '社区网格员',
  '卫生院院长',
];
const villages = ['永安村', '丰裕村', '芦塘村', '西湖山村', '坪头村', '光明社区'];

function nameOf(i: number): string {
  return `${surnames[(i * 7) % surnames.length]}${givenNames[(i * 11) % givenNames.length]}`;
}

/** The staff of a region's congress office (代表工作委员会), who enter its records. */
function staff(region: string): Viewer {
  return { sub: `staff-${region}`, role: 'STAFF', region, unit: null, deputy: null };
}

/** A deputy entering their own voter contacts and duty reports. */
function deputyViewer(deputy: Deputy): Viewer {
  return { sub: `deputy-${deputy.id}`, role: 'DEPUTY', region: deputy.regionCode, unit: null, deputy: deputy.id };
}

/** A standing-committee member entering their own contacts with the deputies assigned to them (D-4). */
function memberViewer(region: string, memberId: string): Viewer {
  return { sub: `member-${memberId}`, role: 'COMMITTEE_MEMBER', region, unit: null, deputy: null, member: memberId };
}

/**
 * Demo data: real region codes, three congresses, deputies with Chinese names, groups, a station, contacts. Written
 * only into empty tables, in one transaction, through the service's own write functions, each act by the one who
 * enters it on the day it happened. The deputies' write functions ask no sibling subgraph, so the seed declares no
 * sibling facts.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(RegionSchema, {})) > 0) return;
  const settings = readSettings(process.env);
  await em.transactional((tx) => writeDemo(seedContext(tx, { settings, now: clock.now() }), currentYear(clock)));
}

async function writeDemo(ctx: SeedContext, year: number): Promise<void> {
  const termStart = `${year - 2}-01-10`;
  // The province's office registers the regions, parents first.
  for (const [code, name, level] of regions)
    await createRegion(act(ctx.as(staff('43')), termStart), { code, name, level });
  /** Each congress's deputies, by number (deputy n at n - 1). */
  const deputiesOf = new Map<string, Deputy[]>();
  let personIndex = 0;
  for (const c of congresses) {
    const office = ctx.as(staff(c.region));
    const congress = await createCongress(
      act(office, termStart),
      { regionCode: c.region, termNumber: c.term, name: c.name, startsOn: termStart, endsOn: `${year + 3}-01-09` },
      { id: demoId(`congress:${c.region}`) },
    );
    // Sessions 1, 2 last year; 3, 4 this year (一年两会 for the township), each planned a month ahead.
    for (let n = 1; n <= 4; n++) {
      const y = n <= 2 ? year - 1 : year;
      const opensOn = n % 2 === 1 ? `${y}-01-15` : `${y}-08-20`;
      await createSession(
        act(office, addDays(opensOn, -30)),
        { congressId: congress.id, number: n, opensOn, closesOn: addDays(opensOn, 2) },
        { id: demoId(`session:${c.region}:${n}`) },
      );
    }
    const groupIds: string[] = [];
    for (const g of [1, 2, 3]) {
      const group = await createGroup(
        act(office, termStart),
        { regionCode: c.region, name: `第${'一二三'[g - 1]}代表小组` },
        { id: demoId(`group:${c.region}:${g}`) },
      );
      groupIds.push(group.id);
    }
    const regionName = regions.find((r) => r[0] === c.region)![1];
    const station = await createStation(
      act(office, termStart),
      { regionCode: c.region, name: `${regionName}人大代表联络站`, address: `${regionName}人民政府大院` },
      { id: demoId(`station:${c.region}`) },
    );
    // D-9: Yueyang's station keeps no records and shows no results yet.
    await setStationStandards(act(office, termStart), station.id, {
      premises: true,
      rules: true,
      plan: true,
      activities: true,
      records: c.region !== '4306',
      results: c.region !== '4306',
    });
    const deputies: Deputy[] = [];
    deputiesOf.set(c.region, deputies);
    for (let n = 1; n <= c.deputies; n++) {
      personIndex += 1;
      // D-12: the first three county deputies of Liuyang also sit in Yong'an town's congress: one person, two mandates.
      const alsoTownship = c.region === '430181' && n <= 3;
      const township = alsoTownship ? deputiesOf.get('430181104')![n - 1]! : null;
      deputies.push(
        await createDeputy(
          act(office, termStart),
          {
            congressId: congress.id,
            regionCode: c.region,
            personId: township?.personId ?? null,
            leadingCadre: n % 10 === 1,
            // Township deputies come first in the list above: deputy n of Yong'an is person n.
            name: township?.name ?? nameOf(personIndex),
            gender: (personIndex % 3 === 0 ? 'FEMALE' : 'MALE') as Gender,
            ethnicity: '汉族',
            workUnit:
              c.region.length === 9
                ? `${regionName}${villages[n % villages.length]}`
                : `${regionName}第${(n % 9) + 1}单位`,
            position: positions[n % positions.length]!,
            phone: `1380731${String(1000 + personIndex).padStart(4, '0')}`,
            constituency: c.region.length === 9 ? `第${(n % 12) + 1}选区` : `${regionName}第${(n % 8) + 1}选区`,
            groupId: groupIds[n % 3]!,
            stationId: station.id,
          },
          { id: demoId(`deputy:${c.region}:${n}`) },
        ),
      );
    }
    const deputy = (n: number) => deputies[n - 1]!;
    const memberIds: string[] = [];
    for (let m = 1; m <= c.members; m++) {
      personIndex += 1;
      const member = await createCommitteeMember(
        act(office, termStart),
        {
          congressId: congress.id,
          name: nameOf(personIndex + 500),
          role: m === 1 ? 'CHAIR' : m <= 3 ? 'VICE_CHAIR' : m === 4 ? 'SECRETARY_GENERAL' : 'MEMBER',
          fullTime: m <= 4,
        },
        { id: demoId(`member:${c.region}:${m}`) },
      );
      memberIds.push(member.id);
      // Each member is assigned 4 deputies; contacts: twice for the first three, once for the fourth (D-4).
      // Past the last deputy (Yueyang: 8 members, 30 deputies), assignments wrap round to the first ones.
      const assigned = [0, 1, 2, 3].map((k) => deputy((((m - 1) * 4 + k) % c.deputies) + 1));
      await assignDeputies(
        act(office, termStart),
        member.id,
        assigned.map((d) => d.id),
      );
      const self = ctx.as(memberViewer(c.region, member.id));
      for (const [k, d] of assigned.entries()) {
        for (let t = 0; t < (k < 3 ? 2 : 1); t++) {
          await contact(self, d, 'COMMITTEE_MEMBER', `${year}-0${3 + t * 2}-1${k}`, {
            committeeMemberId: member.id,
            summary: '走访代表，听取对常委会工作的意见建议',
          });
        }
      }
    }
    // Group activities and voter contacts for the first deputies: some meet the yearly minimums, some do not.
    for (let n = 1; n <= Math.min(c.deputies, 12); n++) {
      const d = deputy(n);
      for (let a = 0; a < n % 4; a++) {
        await contact(office, d, 'GROUP_ACTIVITY', `${year}-0${2 + a}-0${(n % 9) + 1}`, {
          groupId: groupIds[n % 3]!,
          summary: '代表小组集中视察农村人居环境整治',
        });
      }
      for (let v = 0; v < n % 3; v++) {
        await contact(ctx.as(deputyViewer(d)), d, 'VOTER', `${year}-0${4 + v}-1${n % 9}`, {
          stationId: station.id,
          participants: 20 + n,
          summary: '在代表联络站接待选民',
          opinions: n % 2 === 0 ? ['村道路灯损坏，夜间出行不便', '希望增加农村客运班次'] : [],
        });
      }
      if (n <= 3) {
        // D-15: the deputy reports to the voters; the office enters the voters' tally from the forms the same day.
        const report = await contact(ctx.as(deputyViewer(d)), d, 'DUTY_REPORT', `${year - 1}-12-0${n}`, {
          participants: 45,
          summary: '向原选区选民述职',
        });
        await recordDutyReportEvaluation(act(office, report.occurredOn), report.id, {
          satisfied: 38,
          basicallySatisfied: 6,
          dissatisfied: 1,
        });
      }
    }
    // D-14: last year's check of the first group, with the staff's comment.
    await reviewGroup(
      act(office, `${year}-01-05`),
      groupIds[0]!,
      year - 1,
      '活动开展经常，建议更多围绕民生实事开展视察',
    );
    // D-8: two committee meetings this year; the last member missed both without leave (to be asked to resign).
    if (c.members > 0) {
      for (const [k, heldOn] of [`${year}-02-26`, `${year}-04-28`].entries()) {
        const meeting = await createCommitteeMeeting(act(office, heldOn), {
          congressId: congress.id,
          heldOn,
          title: `常委会第${k + 1}次会议`,
        });
        for (const [i, memberId] of memberIds.entries()) {
          const m = i + 1;
          const status = m === c.members ? 'ABSENT' : m === 1 && k === 1 ? 'EXCUSED' : 'PRESENT';
          await recordCommitteeAttendance(act(office, heldOn), {
            meetingId: meeting.id,
            memberId,
            status,
            leaveReason: status === 'EXCUSED' ? '出差' : null,
          });
        }
      }
    }
    // Attendance of the first session, entered the day it opened: all present but one excused.
    const first = `${year - 1}-01-15`;
    for (const d of deputies) {
      await recordAttendance(act(office, first), {
        sessionId: demoId(`session:${c.region}:1`),
        deputyId: d.id,
        status: d === deputy(c.deputies) ? 'EXCUSED' : 'PRESENT',
      });
    }
  }
  // 市长、副市长联系代表 (D-5): the mayor of Yueyang linked to 5 city deputies, one of them not visited this year.
  const office = ctx.as(staff('4306'));
  const mayor = await createGovernmentLeader(
    act(office, termStart),
    { regionCode: '4306', name: '李爱武', role: 'MAYOR' },
    { id: demoId('leader:4306:mayor') },
  );
  await createGovernmentLeader(
    act(office, termStart),
    { regionCode: '4306', name: '周建军', role: 'VICE_MAYOR' },
    { id: demoId('leader:4306:vice-mayor') },
  );
  const linked = deputiesOf.get('4306')!.slice(0, 5);
  await linkDeputies(
    act(office, termStart),
    mayor.id,
    linked.map((d) => d.id),
  );
  for (const [i, d] of linked.slice(0, 4).entries()) {
    await contact(office, d, 'GOVERNMENT_LEADER', `${year}-05-2${i + 1}`, {
      governmentLeaderId: mayor.id,
      summary: '市长走访联系代表，通报政府重点工作',
    });
  }
}

/**
 * `actor` acting on `date` with a fresh unit of work and fresh loaders, as each request starts: the flushes stay
 * small (not every row written so far) and no write finds a cached row of an earlier act.
 */
function act(actor: SeedContext, date: string): SeedContext {
  actor.em.clear();
  actor.loaders.clearAll();
  return actor.on(date);
}

/** Records a contact of `kind` with `deputy` as `actor`, on the day it happened (meetings for voters and groups). */
function contact(
  actor: SeedContext,
  deputy: Deputy,
  kind: ContactKind,
  occurredOn: string,
  extra: Omit<RecordContactInput, 'kind' | 'method' | 'occurredOn' | 'deputyId'>,
) {
  return recordContact(act(actor, occurredOn), {
    kind,
    method: kind === 'VOTER' || kind === 'DUTY_REPORT' || kind === 'GROUP_ACTIVITY' ? 'MEETING' : 'VISIT',
    occurredOn,
    deputyId: deputy.id,
    ...extra,
  });
}
