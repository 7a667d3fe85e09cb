// Reading spreadsheet exports: bytes in whatever encoding the office's Excel
// wrote (UTF-8 with or without BOM, UTF-16 "Unicode text", or GBK/GB18030),
// then RFC 4180 records that remember the line they started on. A malformed
// record is reported and skipped; parsing resumes on the next line, so one bad
// row never swallows the good rows after it.

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
  /** Set when the record could not be read; fields are then incomplete. */
  error?: string;
}

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'gb18030';
}

export function decodeSpreadsheetText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: Excel on a Chinese Windows saves CSV in the ANSI code page (GBK).
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** Excel's "Unicode text" is tab-separated; everything else here is comma-separated. */
export function guessDelimiter(text: string): ',' | '\t' {
  const header = text.slice(0, text.search(/\r?\n|$/));
  return header.split('\t').length > header.split(',').length ? '\t' : ',';
}

export function parseCsv(text: string, delimiter = guessDelimiter(text)): CsvRecord[] {
  const records: CsvRecord[] = [];
  let position = 0;
  let line = 1;

  while (position < text.length) {
    const start = { position, line };
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    let ended = false;

    while (!ended && position < text.length && error === undefined) {
      const char = text[position]!;
      if (field === '' && char === '"' && atFieldStart(text, position, delimiter)) {
        const quoted = readQuoted(text, position + 1);
        if (quoted.end === undefined) {
          error = `a quote opened in column ${fields.length + 1} is never closed`;
          break;
        }
        field = quoted.value;
        line += quoted.newlines;
        position = quoted.end;
        const next = text[position];
        if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
          error = `column ${fields.length + 1} has text after its closing quote`;
        }
        continue;
      }
      if (char === delimiter) {
        fields.push(field);
        field = '';
        position++;
      } else if (char === '\r' || char === '\n') {
        position += char === '\r' && text[position + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
      } else {
        field += char;
        position++;
      }
    }

    if (error !== undefined) {
      // Resume after the first physical line of the bad record.
      const lineEnd = text.indexOf('\n', start.position);
      position = lineEnd === -1 ? text.length : lineEnd + 1;
      line = start.line + 1;
      records.push({ line: start.line, fields, error });
      continue;
    }
    fields.push(field);
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    records.push({ line: start.line, fields });
  }
  return records;
}

function atFieldStart(text: string, position: number, delimiter: string): boolean {
  const before = text[position - 1];
  return position === 0 || before === delimiter || before === '\n' || before === '\r';
}

/** Reads a quoted field's body from just after its opening quote. */
function readQuoted(
  text: string,
  from: number,
): { value: string; end: number | undefined; newlines: number } {
  let value = '';
  let newlines = 0;
  let position = from;
  while (position < text.length) {
    const char = text[position]!;
    if (char === '"') {
      if (text[position + 1] === '"') {
        value += '"';
        position += 2;
        continue;
      }
      return { value, end: position + 1, newlines };
    }
    if (char === '\n') newlines++;
    value += char;
    position++;
  }
  return { value, end: undefined, newlines };
}
