/**
 * The small XML reader behind the GENIUS parser: one linear pass over the text, no backtracking,
 * building only what the GENIUS reader uses (each element's attributes and its child elements by
 * name; text, comments, CDATA and processing instructions are skipped). It checks that the
 * document is well formed (tags nest and match, attributes are quoted and not repeated, one root
 * element, nothing but white space outside it) and reports the first fault with its line.
 *
 * An element is a null-prototype object: attributes under `@name` (values trimmed, the five XML
 * entities and character references decoded), child elements under their tag name, always as
 * an array in document order.
 */

export type XmlElement = Record<string, unknown>;

/** A fault in the markup; `message` says what and on which line. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    /** The element being read, when the fault is inside one (for deep nesting). */
    readonly element?: string,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_.:\u00B7\u00C0-\uFFFF]*/y;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9A-Fa-f]{1,6}));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(ENTITY, (whole, named: string | undefined, decimal: string | undefined, hex?: string) => {
    if (named) return NAMED[named]!;
    const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/**
 * Reads an XML document; returns the root element's name and the element. With `rootOnly`, stops
 * at the root element's start tag (its attributes read, nothing inside it): enough to tell the
 * kind of a file without reading it twice.
 */
export function readXml(xml: string, maxDepth: number, rootOnly = false): { root: string; element: XmlElement } {
  let position = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const length = xml.length;
  const line = (at: number) => {
    let count = 1;
    for (let i = xml.indexOf('\n'); i >= 0 && i < at; i = xml.indexOf('\n', i + 1)) count++;
    return count;
  };
  const fail = (message: string, at: number, element?: string): never => {
    throw new XmlSyntaxError(`line ${line(at)}: ${message}`, element);
  };
  const skipPast = (marker: string, from: number, what: string): number => {
    const end = xml.indexOf(marker, from);
    if (end < 0) fail(`unterminated ${what}`, from);
    return end + marker.length;
  };
  const readName = (at: number): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(xml);
    return match ? match[0] : '';
  };

  const stack: { name: string; element: XmlElement }[] = [];
  let root: { name: string; element: XmlElement } | undefined;
  while (position < length) {
    const open = xml.indexOf('<', position);
    const textEnd = open < 0 ? length : open;
    if (stack.length === 0) {
      // Outside the root element only white space may stand between markup.
      for (let i = position; i < textEnd; i++) {
        if (!isSpace(xml.charCodeAt(i))) fail(root ? 'text after the root element' : 'text before the root element', i);
      }
    }
    if (open < 0) break;
    const next = xml.charCodeAt(open + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', open)) position = skipPast('-->', open + 4, 'comment');
      else if (xml.startsWith('<![CDATA[', open)) {
        if (stack.length === 0) fail('CDATA outside the root element', open);
        position = skipPast(']]>', open + 9, 'CDATA section');
      } else fail('unexpected "<!"', open);
      continue;
    }
    if (next === 0x3f /* ? */) {
      position = skipPast('?>', open + 2, 'processing instruction');
      continue;
    }
    if (next === 0x2f /* / */) {
      const name = readName(open + 2);
      if (!name) fail('a closing tag without a name', open);
      let end = open + 2 + name.length;
      while (end < length && isSpace(xml.charCodeAt(end))) end++;
      if (xml.charCodeAt(end) !== 0x3e) fail(`closing tag </${name}> is not closed by ">"`, open);
      const top = stack.pop();
      if (!top) fail(`closing tag </${name}> without an opening tag`, open);
      if (top!.name !== name) fail(`closing tag </${name}> does not match <${top!.name}>`, open);
      position = end + 1;
      continue;
    }
    const name = readName(open + 1);
    if (!name) fail('"<" not followed by a tag name', open);
    if (stack.length === 0 && root) fail(`a second root element <${name}>`, open);
    const element: XmlElement = Object.create(null) as XmlElement;
    let at = open + 1 + name.length;
    let selfClosing = false;
    while (true) {
      const start = at;
      while (at < length && isSpace(xml.charCodeAt(at))) at++;
      if (at >= length) fail(`tag <${name}> is not closed`, open);
      const code = xml.charCodeAt(at);
      if (code === 0x3e /* > */) {
        at++;
        break;
      }
      if (code === 0x2f /* / */) {
        if (xml.charCodeAt(at + 1) !== 0x3e) fail(`"/" not followed by ">" in tag <${name}>`, at);
        selfClosing = true;
        at += 2;
        break;
      }
      if (at === start) fail(`unexpected character "${xml[at]}" in tag <${name}>`, at);
      const attribute = readName(at);
      if (!attribute) fail(`unexpected character "${xml[at]}" in tag <${name}>`, at);
      at += attribute.length;
      while (at < length && isSpace(xml.charCodeAt(at))) at++;
      if (xml.charCodeAt(at) !== 0x3d /* = */) fail(`attribute ${attribute} of <${name}> has no value`, at);
      at++;
      while (at < length && isSpace(xml.charCodeAt(at))) at++;
      const quote = xml[at];
      if (quote !== '"' && quote !== "'") fail(`the value of attribute ${attribute} of <${name}> is not quoted`, at);
      const close = xml.indexOf(quote!, at + 1);
      if (close < 0) fail(`the value of attribute ${attribute} of <${name}> is not closed`, at);
      const raw = xml.slice(at + 1, close);
      if (raw.includes('<')) fail(`"<" in the value of attribute ${attribute} of <${name}>`, at);
      const key = `@${attribute}`;
      if (key in element) fail(`attribute ${attribute} repeated in <${name}>`, at);
      element[key] = decode(raw.trim());
      at = close + 1;
    }
    if (stack.length === 0) {
      root = { name, element };
      if (rootOnly) return { root: name, element };
    } else {
      const parent = stack[stack.length - 1]!.element;
      const list = parent[name] as XmlElement[] | undefined;
      if (list) list.push(element);
      else parent[name] = [element];
    }
    if (!selfClosing) {
      stack.push({ name, element });
      if (stack.length > maxDepth)
        throw new XmlSyntaxError(`elements nested deeper than ${maxDepth} levels`, `<${name.slice(0, 40)}>`);
    }
    position = at;
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> is not closed`, length);
  if (!root) fail('the document has no root element', length);
  return { root: root!.name, element: root!.element };
}
