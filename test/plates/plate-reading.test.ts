import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePlates } from '../../cli/eval-plates.ts';
import { decodePhoto } from '../../models/photo.ts';
import { isPlate, normalisePlate } from '../../models/plates/grammar.ts';
import { PlateReader, defaultPlateModelSettings } from '../../models/plates/reader.ts';
import {
  bluePlate,
  bluePlatePicture,
  greenPlate,
  greenPlatePicture,
  hyperlprFolder,
  plateFrame,
  platesFolder,
} from '../support/plates.ts';

describe('reading real Chinese plates', () => {
  let reader: PlateReader;

  beforeAll(async () => {
    reader = await PlateReader.load(defaultPlateModelSettings);
  });

  afterAll(async () => {
    await reader?.release();
  });

  async function readCrop(file: string) {
    const image = await decodePhoto(readFileSync(join(hyperlprFolder, file)));
    return (await reader.read(image, { mode: 'crop', maxPlates: 1 })).plates[0]!;
  }

  it('blue, green (8 characters) and yellow plate crops are read whole, province included', async () => {
    const expected = [
      { file: 'rec_crop_00.jpg', plate: '津B6H920', colour: 'blue' },
      { file: 'rec_crop_01.jpg', plate: '皖KD01833', colour: 'green' },
      { file: 'rec_crop_06.jpg', plate: '蒙B023H6', colour: 'blue' },
      { file: 'rec_crop_08.jpg', plate: '冀D5L690', colour: 'yellow' },
    ];
    for (const { file, plate, colour } of expected) {
      const read = await readCrop(file);
      expect(read.text, `${file} reads as ${plate}`).toBe(plate);
      expect(read.colour, `${file} is a ${colour} plate`).toBe(colour);
      expect(read.wellFormed, `${plate} is a well-formed plate`).toBe(true);
    }
  });

  it('plates are found, unfolded from their corners and read in camera pictures', async () => {
    const blue = await reader.read(await plateFrame(bluePlatePicture), {
      mode: 'scene',
      maxPlates: 3,
    });
    expect(
      blue.plates.map((plate) => plate.text),
      'the close-up blue plate',
    ).toEqual([bluePlate]);
    expect(blue.plates[0]!.colour).toBe('blue');

    const street = await reader.read(await plateFrame(greenPlatePicture, 1920), {
      mode: 'scene',
      maxPlates: 3,
    });
    expect(street.plates[0]?.text, 'the small green plate in a 1920×1080 street').toBe(greenPlate);
    expect(street.plates[0]!.colour).toBe('green');
    expect([...street.plates[0]!.text], 'new-energy plates have 8 characters').toHaveLength(8);
  });

  it('a double-line yellow plate on a lorry is found as two lines', async () => {
    const lorry = await reader.read(await plateFrame('hyperlpr/1.jpg'), {
      mode: 'scene',
      maxPlates: 1,
    });
    expect(lorry.plates[0]?.layers, 'the detector says it has two lines').toBe('double');
    expect(lorry.plates[0]!.colour, 'and it is yellow').toBe('yellow');
  });

  it('labelled crops are read better than the 89 % a small LPRNet reaches', async () => {
    const evaluation = await evaluatePlates(join(platesFolder, 'lprnet_crops'), { limit: 150 });
    const set = evaluation.sets[0]!;
    expect(set.images).toBe(150);
    expect(set.platesRight / set.images, 'plates read whole').toBeGreaterThan(0.95);
    expect(set.charactersRight / set.characters, 'characters right').toBeGreaterThan(0.98);
  });

  it('plates typed by staff are normalised and checked against the plate grammar', () => {
    expect(normalisePlate('苏e·d51712')).toBe(greenPlate);
    expect(isPlate('京A1234学'), 'a driving-school plate').toBe(true);
    expect(isPlate('京AI2345'), 'I is never used on plates').toBe(false);
    expect(isPlate('A123456'), 'a plate starts with a province').toBe(false);
    expect(isPlate('京A123'), 'too short').toBe(false);
  });

  it('haven eval plates reports plates right, characters right and time per image', () => {
    const run = spawnSync('bin/haven', ['eval', 'plates', hyperlprFolder], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout, 'all four labelled crops read whole').toMatch(
      /plates fully right\s+4 \(100\.0 %\)/,
    );
    expect(run.stdout).toMatch(/characters right\s+29 of 29/);
    expect(run.stdout).toMatch(/time per image\s+[\d.]+ ms/);

    const wrong = spawnSync('bin/haven', ['eval', 'plates', hyperlprFolder, '--mode', 'video'], {
      encoding: 'utf8',
    });
    expect(wrong.status, 'a bad option is a usage error').toBe(2);
    expect(wrong.stderr).toContain('--mode is crop or scene');
  });
});
