// The demo's scripted night on the wristbands: who wears which band, what
// happens to whom and when (in simulated minutes), and the care settings that
// let each incident raise its alert within the compressed night.
import type { Incident } from '../../devices/simulator/incidents.ts';
import type { SimulatedBand } from '../../devices/simulator/simulator.ts';

/** The community's centre, where the residents live. */
const centre = { lat: 31.2304, lon: 121.4737 };

export interface DemoWearer {
  bandId: string;
  residentName: string;
  home: { lat: number; lon: number };
  batteryPercent: number;
}

export const demoWearers: DemoWearer[] = [
  { bandId: 'band-zhang', residentName: '张秀兰', batteryPercent: 80 },
  { bandId: 'band-li', residentName: '李建国', batteryPercent: 76 },
  { bandId: 'band-wang', residentName: '王桂芳', batteryPercent: 90 },
  { bandId: 'band-zhao', residentName: '赵德明', batteryPercent: 85 },
  { bandId: 'band-chen', residentName: '陈玉珍', batteryPercent: 24 },
  { bandId: 'band-sun', residentName: '孙福生', batteryPercent: 70 },
].map((wearer, index) => ({
  ...wearer,
  home: { lat: centre.lat + index * 0.0004, lon: centre.lon },
}));

/**
 * The night's incidents on the MQTT bands. The SOS comes from a real watch
 * frame over TCP instead (watches.ts); band-sun stays quiet all night.
 */
export const demoIncidents: Incident[] = [
  { band: 'band-zhang', kind: 'fall', atMinutes: 1 },
  { band: 'band-li', kind: 'removed', atMinutes: 2, durationMinutes: 12 },
  { band: 'band-wang', kind: 'still', atMinutes: 0, durationMinutes: 30 },
  { band: 'band-zhao', kind: 'wanders', atMinutes: 2, durationMinutes: 10 },
  { band: 'band-chen', kind: 'battery_low', atMinutes: 1 },
];

/** The alert each scripted incident raises (the watch adds `sos`). */
export const expectedBandAlerts = [
  'fall',
  'band_removed',
  'inactivity',
  'left_safe_area',
  'low_battery',
];

/** Simulated minutes the script needs for every incident to raise its alert. */
export const nightMinutes = 14;

/**
 * The edge's `care` section, compressed to fit the demo: a band off the wrist
 * two minutes, ten still minutes (the least the rules allow) at any hour, and
 * band-zhao's safe area a 150 m circle round his home.
 */
export function demoCare(): Record<string, unknown> {
  const zhao = demoWearers.find((wearer) => wearer.bandId === 'band-zhao')!;
  return {
    defaults: { removedMinutes: 2 },
    bands: [
      { band: 'band-wang', inactivityMinutes: 10, daytimeFrom: '00:00', daytimeTo: '23:59' },
      {
        band: 'band-zhao',
        wanders: true,
        safeArea: { kind: 'circle', ...zhao.home, radiusM: 150 },
      },
    ],
  };
}

export function simulatedBands(secrets: Map<string, string>): SimulatedBand[] {
  return demoWearers.map((wearer) => ({
    id: wearer.bandId,
    secret: secrets.get(wearer.bandId)!,
    home: wearer.home,
    batteryPercent: wearer.batteryPercent,
  }));
}
