// Which guards walk a schedule's rounds on a given shift.
import type { Assignment } from '../../common/contracts/patrol.ts';

/** The guards assigned to the schedule for this shift, by name; empty when none are. */
export function guardsOnShift(
  assignments: readonly Assignment[],
  scheduleId: string,
  shiftDate: string,
): string[] {
  const guards = assignments
    .filter(
      (a) =>
        a.scheduleId === scheduleId &&
        (a.fromDate === undefined || a.fromDate <= shiftDate) &&
        (a.untilDate === undefined || a.untilDate >= shiftDate),
    )
    .map((a) => a.guard);
  return [...new Set(guards)].sort();
}
