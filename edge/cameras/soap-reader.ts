// Reads SOAP responses by local element names. Cameras disagree on namespace
// prefixes (SOAP-ENV:, env:, s:), some use a prefix they never declare, and
// values carry stray whitespace; matching on local names and trimming every
// value reads them all the same way.
import { parseStringPromise, processors } from 'xml2js';

export class XmlElement {
  constructor(
    /** Local name, without the namespace prefix. */
    readonly name: string,
    /** Attributes by local name (xmlns declarations excepted). */
    readonly attributes: Readonly<Record<string, string>>,
    /** The element's own text, trimmed; "" when it has none. */
    readonly text: string,
    readonly children: readonly XmlElement[],
  ) {}

  /** The first child with this local name. */
  child(name: string): XmlElement | undefined {
    return this.children.find((child) => child.name === name);
  }

  /** Every child with this local name, in document order. */
  all(name: string): XmlElement[] {
    return this.children.filter((child) => child.name === name);
  }

  /** Follows a path of child names: at('MediaUri', 'Uri'). */
  at(...names: string[]): XmlElement | undefined {
    return names.reduce<XmlElement | undefined>((element, name) => element?.child(name), this);
  }

  /** The trimmed text at a path, or undefined when the element is missing. */
  textAt(...names: string[]): string | undefined {
    return this.at(...names)?.text;
  }

  /** The first element with this local name anywhere below, depth first. */
  find(name: string): XmlElement | undefined {
    for (const child of this.children) {
      if (child.name === name) return child;
      const found = child.find(name);
      if (found) return found;
    }
    return undefined;
  }
}

export class UnreadableXml extends Error {
  readonly code = 'HAVEN_SOAP_UNREADABLE';
}

interface ParsedNode {
  '#name': string;
  $?: Record<string, string>;
  _?: string;
  $$?: ParsedNode[];
}

/** Parses an XML document into its root element. */
export async function readXml(xml: string): Promise<XmlElement> {
  let parsed: Record<string, ParsedNode>;
  try {
    parsed = (await parseStringPromise(xml, {
      explicitChildren: true,
      preserveChildrenOrder: true,
      explicitCharkey: true,
      tagNameProcessors: [processors.stripPrefix],
      attrNameProcessors: [processors.stripPrefix],
    })) as Record<string, ParsedNode>;
  } catch (error) {
    throw new UnreadableXml(`not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = parsed ? Object.values(parsed)[0] : undefined;
  if (!root) throw new UnreadableXml('the XML document is empty');
  return toElement(root);
}

/** The first element inside a SOAP Envelope's Body (a response or a Fault). */
export async function readSoapBody(xml: string): Promise<XmlElement> {
  const envelope = await readXml(xml);
  const first = envelope.name === 'Envelope' ? envelope.child('Body')?.children[0] : undefined;
  if (!first) throw new UnreadableXml('not a SOAP envelope with a body');
  return first;
}

function toElement(node: ParsedNode): XmlElement {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(node.$ ?? {})) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) attributes[name] = value.trim();
  }
  return new XmlElement(
    node['#name'],
    attributes,
    (node._ ?? '').trim(),
    (node.$$ ?? []).map(toElement),
  );
}
