import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config.ts';
import { EdgeConfig } from '../../edge/config.ts';
import { CareSettingsBook } from '../../edge/rules/care-settings.ts';

const base = {
  edgeId: 'home-1',
  site: 'xincun',
  hub: { url: 'http://127.0.0.1:8080', token: 'edge-token-for-tests-0123456789' },
};

function book(care: Record<string, unknown>): CareSettingsBook {
  const config = parseConfig(EdgeConfig, { ...base, care }, 'test edge config');
  return new CareSettingsBook(config.care, config.rules.lowBatteryPercent);
}

describe('care settings in the edge config', () => {
  it('a config without a care section loads, with the community defaults', () => {
    const config = parseConfig(EdgeConfig, base, 'an edge config from before care settings');
    const settings = new CareSettingsBook(config.care, 20).forBand('band-001');
    expect(config.care.timeZone).toBe('Asia/Shanghai');
    expect(settings).toMatchObject({
      heartRateBpm: { min: 50, max: 110 },
      lowSpo2Percent: 92,
      sustainedMinutes: 5,
      inactivityMinutes: 240,
      daytimeFrom: '07:00',
      daytimeTo: '21:00',
      removedMinutes: 15,
      wanders: false,
      lowBatteryPercent: 20,
    });
  });

  it("a band's settings are its own where given, the defaults elsewhere", () => {
    const settings = book({
      defaults: { sustainedMinutes: 10 },
      bands: [{ band: 'band-007', heartRateBpm: { min: 45, max: 100 }, lowBatteryPercent: 30 }],
    });
    expect(settings.forBand('band-007')).toMatchObject({
      heartRateBpm: { min: 45, max: 100 },
      sustainedMinutes: 10,
      lowBatteryPercent: 30,
    });
    expect(settings.forBand('band-008').heartRateBpm).toEqual({ min: 50, max: 110 });
  });

  it('refuses what cannot be meant, naming where', () => {
    expect(() =>
      book({ bands: [{ band: 'band-007', heartRateBpm: { min: 100, max: 60 } }] }),
    ).toThrow('care.bands (band-007): heartRateBpm: min is not below max');
    expect(() => book({ timeZone: 'Mars/Olympus' })).toThrow('not a known time zone');
    expect(() => book({ bands: [{ band: 'b', wanders: true }, { band: 'b' }] })).toThrow('twice');
    expect(() =>
      parseConfig(EdgeConfig, { ...base, care: { defaults: { daytimeFrom: '7am' } } }, 'file'),
    ).toThrow('/care/defaults/daytimeFrom');
  });
});
