// The shift report (巡更报表): per round and per guard, how much was walked,
// how late, and what looked wrong; as data and as a page to print.
import type { GuardSummary, RoundView, ShiftReport } from '../../common/contracts/patrol.ts';

export function shiftReport(shiftDate: string, rounds: RoundView[], nowMs: number): ShiftReport {
  /** guard → what he did this shift */
  const guards = new Map<string, GuardSummary>();
  const summaryOf = (guard: string): GuardSummary => {
    let found = guards.get(guard);
    if (!found) {
      found = { guard, rounds: [], checkpointsScanned: 0, lateCheckpoints: 0, anomalies: 0 };
      guards.set(guard, found);
    }
    return found;
  };

  const reported = rounds.map((round) => {
    const scanned = round.stops.filter((stop) => stop.scannedAt !== null);
    for (const guard of round.guards) summaryOf(guard);
    for (const stop of scanned) {
      const summary = summaryOf(stop.guard!);
      if (!summary.rounds.includes(round.id)) summary.rounds.push(round.id);
      summary.checkpointsScanned++;
      if (stop.status === 'late') summary.lateCheckpoints++;
    }
    for (const found of round.anomalies) summaryOf(found.guard).anomalies++;
    return {
      round,
      checkpointsPlanned: round.stops.length,
      checkpointsScanned: scanned.length,
      completionPercent: Math.round((1000 * scanned.length) / round.stops.length) / 10,
      lateCheckpoints: scanned.filter((stop) => stop.status === 'late').length,
      missedCheckpoints: round.stops
        .filter((stop) => stop.status === 'missed')
        .map((stop) => stop.name),
    };
  });

  return {
    shiftDate,
    generatedAt: new Date(nowMs).toISOString(),
    rounds: reported,
    guards: [...guards.values()].sort((a, b) => a.guard.localeCompare(b.guard)),
  };
}

const stateNames: Record<RoundView['state'], string> = {
  upcoming: '未开始（计划中）',
  waiting: '等待开始',
  not_started: '未按时开始',
  in_progress: '进行中',
  completed: '已完成',
  incomplete: '未完成',
};

const stopNames: Record<RoundView['stops'][number]['status'], string> = {
  pending: '待巡',
  on_time: '按时',
  late: '迟到',
  missed: '漏巡',
};

const anomalyNames: Record<RoundView['anomalies'][number]['kind'], string> = {
  out_of_order: '顺序错误',
  too_fast: '间隔过短（疑似代扫）',
};

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function clock(iso: string | null, timeZone: string): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleTimeString('zh-CN', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** A page for the printer: plain tables, Chinese labels, times in the community's zone. */
export function shiftReportPage(report: ShiftReport, timeZone: string): string {
  const at = (iso: string | null): string => escape(clock(iso, timeZone));
  const rounds = report.rounds
    .map(({ round, checkpointsPlanned, checkpointsScanned, completionPercent }) => {
      const stops = round.stops
        .map(
          (stop) =>
            `<tr class="${stop.status}"><td>${escape(stop.name)}</td><td>${at(stop.due)}</td>` +
            `<td>${at(stop.scannedAt)}</td><td>${escape(stop.guard ?? '—')}</td>` +
            `<td>${stopNames[stop.status]}${stop.repeats ? `（重复${stop.repeats}次）` : ''}` +
            `</td></tr>`,
        )
        .join('');
      const names = new Map(round.stops.map((stop) => [stop.checkpointId, stop.name]));
      const anomalies = round.anomalies
        .map(
          (found) =>
            `<li>${anomalyNames[found.kind]}：${escape(found.guard)} ` +
            `${escape(names.get(found.previousCheckpointId) ?? found.previousCheckpointId)} → ` +
            `${escape(names.get(found.checkpointId) ?? found.checkpointId)}，` +
            `${at(found.at)}，间隔 ${found.gapSeconds} 秒` +
            (found.kind === 'too_fast' ? `（步行约需 ${found.expectedWalkSeconds} 秒）` : '') +
            `</li>`,
        )
        .join('');
      return `<section class="round">
<h2>${escape(round.scheduleName)} · ${at(round.plannedStart)} · ${escape(round.routeName)}</h2>
<p>状态：${stateNames[round.state]}；巡更员：${escape(round.guards.join('、') || '未指派')}；
开始：${at(round.startedAt)}${round.startDelayMinutes ? `（迟 ${round.startDelayMinutes} 分钟）` : ''}；
完成 ${checkpointsScanned}/${checkpointsPlanned}（${completionPercent}%）</p>
<table><thead><tr><th>巡更点</th><th>应到</th><th>实到</th><th>巡更员</th><th>结果</th></tr></thead>
<tbody>${stops}</tbody></table>
${anomalies ? `<ul class="anomalies">${anomalies}</ul>` : ''}
</section>`;
    })
    .join('\n');
  const guards = report.guards
    .map(
      (g) =>
        `<tr><td>${escape(g.guard)}</td><td>${g.rounds.length}</td>` +
        `<td>${g.checkpointsScanned}</td><td>${g.lateCheckpoints}</td><td>${g.anomalies}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>巡更报表 ${escape(report.shiftDate)}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #000; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-bottom: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0; }
th, td { border: 1px solid #666; padding: 0.2em 0.5em; text-align: left; }
tr.missed td { font-weight: bold; } tr.late td:last-child { font-style: italic; }
.round { break-inside: avoid; margin-bottom: 1.2em; }
@media print { body { margin: 0; } }
</style></head><body>
<h1>巡更报表 · ${escape(report.shiftDate)} 班次</h1>
<p>生成时间：${escape(new Date(report.generatedAt).toLocaleString('zh-CN', { timeZone }))}</p>
<h2>巡更员汇总</h2>
<table><thead><tr><th>巡更员</th><th>轮次</th><th>已巡点数</th><th>迟到点数</th><th>异常</th></tr>
</thead><tbody>${guards}</tbody></table>
${rounds || '<p>本班次没有巡更轮次。</p>'}
</body></html>`;
}
