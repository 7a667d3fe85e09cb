// scripts/build-dashboard: builds the police-room dashboard and prints where.
import { ensureDashboardBuilt } from '../../hub/dashboard/build.ts';

const result = await ensureDashboardBuilt();
console.log(`dashboard ${result.built ? 'built' : 'up to date'} in ${result.folder}`);
if (result.fontMissing) console.warn(`warning: ${result.fontMissing}`);
