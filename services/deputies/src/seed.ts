import type { EntityManager } from '@mikro-orm/postgresql';
import { demoId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, currentYear } from '@renda/server-kit/dates';
import {
  DeputyGroupSchema,
  DeputySchema,
  LiaisonStationSchema,
  type Gender,
} from './modules/deputies/deputy.entity.ts';
import { PersonSchema } from './modules/persons/person.entity.ts';
import { GroupReviewSchema } from './modules/groups/group-review.entity.ts';
import { CommitteeMeetingAttendanceSchema, CommitteeMeetingSchema } from './modules/meetings/meeting.entity.ts';
import {
  CommitteeAssignmentSchema,
  CommitteeMemberSchema,
  ContactRecordSchema,
  GovernmentLeaderSchema,
  LeaderLinkSchema,
  SessionAttendanceSchema,
  type ContactKind,
} from './modules/liaison/liaison.entity.ts';
import {
  CongressSchema,
  CongressSessionSchema,
  RegionSchema,
  type RegionLevel,
} from './modules/regions/region.entity.ts';

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

/** Demo data: real region codes, three congresses, deputies with Chinese names, groups, a station, contacts. */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(RegionSchema, {})) > 0) return;
  const year = currentYear(clock);
  for (const [code, name, level] of regions) {
    em.create(RegionSchema, {
      code,
      name,
      level,
      parentCode:
        code.length === 2
          ? null
          : code.length === 4
            ? code.slice(0, 2)
            : code.length === 6
              ? code.slice(0, 4)
              : code.slice(0, 6),
    });
  }
  let personIndex = 0;
  for (const c of congresses) {
    const congressId = demoId(`congress:${c.region}`);
    const level = c.region.length === 9 ? 'TOWNSHIP' : c.region.length === 6 ? 'COUNTY' : 'CITY';
    em.create(CongressSchema, {
      id: congressId,
      regionCode: c.region,
      level,
      termNumber: c.term,
      name: c.name,
      startsOn: `${year - 2}-01-10`,
      endsOn: `${year + 3}-01-09`,
    });
    // Sessions 1, 2 last year; 3, 4 this year (一年两会 for the township).
    for (let n = 1; n <= 4; n++) {
      const y = n <= 2 ? year - 1 : year;
      const opensOn = n % 2 === 1 ? `${y}-01-15` : `${y}-08-20`;
      em.create(CongressSessionSchema, {
        id: demoId(`session:${c.region}:${n}`),
        congressId,
        regionCode: c.region,
        number: n,
        opensOn,
        closesOn: addDays(opensOn, 2),
      });
    }
    const groupIds = [1, 2, 3].map((g) => {
      const id = demoId(`group:${c.region}:${g}`);
      em.create(DeputyGroupSchema, { id, regionCode: c.region, name: `第${'一二三'[g - 1]}代表小组` });
      return id;
    });
    const stationId = demoId(`station:${c.region}`);
    const regionName = regions.find((r) => r[0] === c.region)![1];
    em.create(LiaisonStationSchema, {
      id: stationId,
      regionCode: c.region,
      name: `${regionName}人大代表联络站`,
      address: `${regionName}人民政府大院`,
      premises: true,
      rules: true,
      plan: true,
      activities: true,
      records: c.region !== '4306',
      results: c.region !== '4306',
    });
    for (let n = 1; n <= c.deputies; n++) {
      personIndex += 1;
      // D-12: the first three county deputies of Liuyang also sit in Yong'an town's congress: one person, two mandates.
      const alsoTownship = c.region === '430181' && n <= 3;
      const personId = alsoTownship ? demoId(`deputy:430181104:${n}`) : demoId(`deputy:${c.region}:${n}`);
      if (!alsoTownship) em.create(PersonSchema, { id: personId, name: nameOf(personIndex) });
      em.create(DeputySchema, {
        id: demoId(`deputy:${c.region}:${n}`),
        personId,
        leadingCadre: n % 10 === 1,
        congressId,
        regionCode: c.region,
        // Township deputies come first in the list above: deputy n of Yong'an is person n.
        name: alsoTownship ? nameOf(n) : nameOf(personIndex),
        gender: (personIndex % 3 === 0 ? 'FEMALE' : 'MALE') as Gender,
        ethnicity: '汉族',
        workUnit:
          c.region.length === 9 ? `${regionName}${villages[n % villages.length]}` : `${regionName}第${(n % 9) + 1}单位`,
        position: positions[n % positions.length]!,
        phone: `1380731${String(1000 + personIndex).padStart(4, '0')}`,
        constituency: c.region.length === 9 ? `第${(n % 12) + 1}选区` : `${regionName}第${(n % 8) + 1}选区`,
        groupId: groupIds[n % 3]!,
        stationId,
        status: 'ACTIVE',
        statusReason: null,
        mandateStartsOn: `${year - 2}-01-10`,
        mandateEndsOn: null,
      });
    }
    for (let m = 1; m <= c.members; m++) {
      const memberId = demoId(`member:${c.region}:${m}`);
      personIndex += 1;
      em.create(CommitteeMemberSchema, {
        id: memberId,
        congressId,
        regionCode: c.region,
        name: nameOf(personIndex + 500),
        role: m === 1 ? 'CHAIR' : m <= 3 ? 'VICE_CHAIR' : m === 4 ? 'SECRETARY_GENERAL' : 'MEMBER',
        fullTime: m <= 4,
      });
      // Each member is assigned 4 deputies; contacts: twice for the first three, once for the fourth (D-4).
      // Past the last deputy (Yueyang: 8 members, 30 deputies), assignments wrap round to the first ones.
      for (let k = 0; k < 4; k++) {
        const deputyId = demoId(`deputy:${c.region}:${(((m - 1) * 4 + k) % c.deputies) + 1}`);
        em.create(CommitteeAssignmentSchema, { memberId, deputyId });
        const times = k < 3 ? 2 : 1;
        for (let t = 0; t < times; t++) {
          contact(em, clock, 'COMMITTEE_MEMBER', deputyId, c.region, `${year}-0${3 + t * 2}-1${k}`, {
            committeeMemberId: memberId,
            summary: '走访代表，听取对常委会工作的意见建议',
          });
        }
      }
    }
    // Group activities and voter contacts for the first deputies: some meet the yearly minimums, some do not.
    for (let n = 1; n <= Math.min(c.deputies, 12); n++) {
      const deputyId = demoId(`deputy:${c.region}:${n}`);
      for (let a = 0; a < n % 4; a++) {
        contact(em, clock, 'GROUP_ACTIVITY', deputyId, c.region, `${year}-0${2 + a}-0${(n % 9) + 1}`, {
          groupId: groupIds[n % 3]!,
          summary: '代表小组集中视察农村人居环境整治',
        });
      }
      for (let v = 0; v < n % 3; v++) {
        contact(em, clock, 'VOTER', deputyId, c.region, `${year}-0${4 + v}-1${n % 9}`, {
          stationId,
          participants: 20 + n,
          summary: '在代表联络站接待选民',
          opinions: n % 2 === 0 ? ['村道路灯损坏，夜间出行不便', '希望增加农村客运班次'] : [],
        });
      }
      if (n <= 3)
        contact(em, clock, 'DUTY_REPORT', deputyId, c.region, `${year - 1}-12-0${n}`, {
          participants: 45,
          evaluation: [38, 6, 1],
          summary: '向原选区选民述职',
        });
    }
    // D-14: last year's check of the first group, with the staff's comment.
    em.create(GroupReviewSchema, {
      groupId: groupIds[0]!,
      year: year - 1,
      comment: '活动开展经常，建议更多围绕民生实事开展视察',
      reviewedOn: `${year}-01-05`,
      reviewedBy: 'demo-seed',
    });
    // D-8: two committee meetings this year; the last member missed both without leave (to be asked to resign).
    if (c.members > 0) {
      for (const [k, heldOn] of [`${year}-02-26`, `${year}-04-28`].entries()) {
        const meetingId = demoId(`committee-meeting:${c.region}:${k + 1}`);
        em.create(CommitteeMeetingSchema, {
          id: meetingId,
          congressId,
          regionCode: c.region,
          heldOn,
          title: `常委会第${k + 1}次会议`,
        });
        for (let m = 1; m <= c.members; m++) {
          const status = m === c.members ? 'ABSENT' : m === 1 && k === 1 ? 'EXCUSED' : 'PRESENT';
          em.create(CommitteeMeetingAttendanceSchema, {
            meetingId,
            memberId: demoId(`member:${c.region}:${m}`),
            congressId,
            heldOn,
            status,
            leaveReason: status === 'EXCUSED' ? '出差' : null,
            id: demoId(`meeting-attendance:${c.region}:${k}:${m}`),
          });
        }
      }
    }
    // Attendance of the first session: all present but one excused.
    for (let n = 1; n <= c.deputies; n++) {
      em.create(SessionAttendanceSchema, {
        sessionId: demoId(`session:${c.region}:1`),
        deputyId: demoId(`deputy:${c.region}:${n}`),
        congressId,
        regionCode: c.region,
        status: n === c.deputies ? 'EXCUSED' : 'PRESENT',
        id: demoId(`session-attendance:${c.region}:1:${n}`),
      });
    }
  }
  // 市长、副市长联系代表 (D-5): the mayor of Yueyang linked to 5 city deputies, one of them not visited this year.
  const mayorId = demoId('leader:4306:mayor');
  em.create(GovernmentLeaderSchema, { id: mayorId, regionCode: '4306', name: '李爱武', role: 'MAYOR' });
  em.create(GovernmentLeaderSchema, {
    id: demoId('leader:4306:vice-mayor'),
    regionCode: '4306',
    name: '周建军',
    role: 'VICE_MAYOR',
  });
  for (let n = 1; n <= 5; n++) {
    em.create(LeaderLinkSchema, { leaderId: mayorId, deputyId: demoId(`deputy:4306:${n}`) });
    if (n <= 4)
      contact(em, clock, 'GOVERNMENT_LEADER', demoId(`deputy:4306:${n}`), '4306', `${year}-05-2${n}`, {
        governmentLeaderId: mayorId,
        summary: '市长走访联系代表，通报政府重点工作',
      });
  }
  await em.flush();
}

function contact(
  em: EntityManager,
  clock: Clock,
  kind: ContactKind,
  deputyId: string,
  regionCode: string,
  occurredOn: string,
  extra: {
    committeeMemberId?: string;
    governmentLeaderId?: string;
    stationId?: string;
    groupId?: string;
    participants?: number;
    evaluation?: [number, number, number];
    summary: string;
    opinions?: string[];
  },
): void {
  em.create(ContactRecordSchema, {
    id: demoId(
      `contact:${kind}:${deputyId}:${occurredOn}:${extra.committeeMemberId ?? extra.governmentLeaderId ?? ''}`,
    ),
    kind,
    method: kind === 'VOTER' || kind === 'DUTY_REPORT' || kind === 'GROUP_ACTIVITY' ? 'MEETING' : 'VISIT',
    occurredOn,
    deputyId,
    regionCode,
    committeeMemberId: extra.committeeMemberId ?? null,
    governmentLeaderId: extra.governmentLeaderId ?? null,
    stationId: extra.stationId ?? null,
    groupId: extra.groupId ?? null,
    participants: extra.participants ?? null,
    voterSatisfied: extra.evaluation?.[0] ?? null,
    voterBasicallySatisfied: extra.evaluation?.[1] ?? null,
    voterDissatisfied: extra.evaluation?.[2] ?? null,
    summary: extra.summary,
    opinions: extra.opinions ?? [],
    recordedAt: clock.now(),
    recordedBy: 'demo-seed',
  });
}
