// The XML reading the GENIUS parser used before its own scanner (fast-xml-parser, same options),
// brought to the scanner's shape: attributes under "@name", child elements as arrays, text dropped.
// The equivalence test and the analysis benchmark compare against it.
import { XMLParser } from 'fast-xml-parser';

type Tree = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** fast-xml-parser's tree of the document, unchanged (what the previous parser built). */
export function fastXmlParserTree(xml: string): Tree {
  return parser.parse(xml, true) as Tree;
}

function normalise(value: unknown): Tree {
  const element = Object.create(null) as Tree;
  if (typeof value !== 'object' || value === null) return element; // an element with text only, or empty
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('@')) element[key] = child;
    else if (!key.startsWith('#'))
      element[key] = (Array.isArray(child) ? child : [child]).map((item: unknown) => normalise(item));
  }
  return element;
}

/** The root element's name and the element, as fast-xml-parser read them. */
export function referenceXml(xml: string): { root: string; element: Tree } {
  const parsed = fastXmlParserTree(xml);
  const roots = Object.keys(parsed).filter((key) => !key.startsWith('?') && !key.startsWith('#'));
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`);
  return { root: roots[0]!, element: normalise(parsed[roots[0]!]) };
}
