// Telemetry series in InfluxDB are personal data too: a resident's export
// includes them, erasure drops their bands' series, and the telemetry
// retention (retention.telemetryDays) reaches InfluxDB as well as SQLite.
import type { DataGovernance } from '../governance/holders.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { InfluxTelemetry } from './influx.ts';

export function registerInfluxHolder(
  governance: DataGovernance,
  registry: RegistryStore,
  influx: InfluxTelemetry,
): void {
  const bandsOf = async (residentId: string) =>
    (await registry.listBindings({ residentId }))
      .filter((binding) => binding.deviceKind === 'band')
      .map((binding) => binding.deviceId);

  governance.registerHolder({
    name: 'telemetrySeries',
    async exportResident(residentId) {
      return { points: await influx.pointsOf(await bandsOf(residentId)) };
    },
    // Known shortcoming: a batch the exporter is writing at that moment may put a few
    // points back after the erasure; erasing again removes them.
    async eraseResident(residentId, extent) {
      if (extent !== 'everything') return { removed: 0 };
      return { removed: await influx.eraseBands(await bandsOf(residentId)) };
    },
  });
  governance.registerRetention({
    kind: 'telemetry',
    name: 'telemetry series in InfluxDB',
    async purgeBefore(cutoff) {
      await influx.deleteBefore(cutoff.getTime());
      // InfluxDB does not say how many points a DELETE removed.
      return 0;
    },
  });
}
