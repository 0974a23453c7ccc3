/** 履职档案 counts of one deputy in one year (D-6, D-7, D-8, D-11). */
export interface DutyCounts {
  deputyId: string;
  year: number;
  voterContacts: number;
  groupActivities: number;
  committeeContacts: number;
  dutyReportsThisTerm: number;
  sessionsAbsentWithoutLeave: number;
  meetsMinimums: boolean;
}
