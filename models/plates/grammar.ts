// The shape of a mainland Chinese licence plate, used to constrain what the
// recogniser reads and to validate plates typed in by staff:
//   province character, issuing-office letter, then 5 characters (blue and
//   yellow plates) or 6 (green new-energy plates) from digits and letters,
//   I and O never used; some end in 学 (driving school), 警, 挂 (trailer),
//   港 or 澳 (cross-border).

export const provinces = [...'京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'];

/** Letters used on plates: A-Z without I and O. */
export const plateLetters = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
export const plateDigits = [...'0123456789'];
export const plateSuffixes = [...'学警挂港澳'];

export type PlateColour = 'blue' | 'green' | 'yellow';
export type PlateLayers = 'single' | 'double';

const province = `[${provinces.join('')}]`;
const letter = '[A-HJ-NP-Z]';
const serial = '[A-HJ-NP-Z0-9]';
const suffix = `[${plateSuffixes.join('')}]`;

/** A whole plate as stored: no separator dot, no spaces, upper case. */
const tail = `(${serial}{5}|${serial}{4}${suffix}|${serial}{6})`;
export const platePattern = `^${province}${letter}${tail}$`;
const plateExpression = new RegExp(platePattern, 'u');

/** Upper case, without the separator dot, spaces or dashes people type. */
export function normalisePlate(text: string): string {
  return text.replace(/[\s·•.\-_]/gu, '').toUpperCase();
}

export function isPlate(text: string): boolean {
  return plateExpression.test(text);
}

/** The characters allowed at one position of a plate of the given length. */
export function allowedAt(position: number, length: 7 | 8): string[] {
  if (position === 0) return provinces;
  if (position === 1) return plateLetters;
  if (position === length - 1 && length === 7) {
    return [...plateLetters, ...plateDigits, ...plateSuffixes];
  }
  return [...plateLetters, ...plateDigits];
}

/** How far apart two plate texts are: Levenshtein distance over characters. */
export function plateDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length]!;
}
