// A small JSON reader and writer for hook inputs and outputs (AssemblyScript has none built in).
// Enough for JSON as the host sends it: objects, arrays, strings with escapes, numbers, booleans, null.
import { Host } from '@extism/as-pdk';

export enum Kind { Null, Boolean, Number, String, Array, Object }

export class Json {
  kind: Kind = Kind.Null;
  boolean: bool = false;
  number: f64 = 0;
  text: string = '';
  items: Json[] = [];
  keys: string[] = [];
  values: Json[] = [];

  /** The member named `key`, or a JSON null when there is none (or this is no object). */
  get(key: string): Json {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.values[i];
    return new Json();
  }

  has(key: string): bool {
    return this.keys.includes(key);
  }

  isNull(): bool {
    return this.kind == Kind.Null;
  }

  /** A string's text, or '' for anything else. */
  asString(): string {
    return this.kind == Kind.String ? this.text : '';
  }

  /** True only for JSON true. */
  isTrue(): bool {
    return this.kind == Kind.Boolean && this.boolean;
  }
}

class Reader {
  at: i32 = 0;
  constructor(public source: string) {}

  fail(what: string): void {
    throw new Error('Invalid JSON at ' + this.at.toString() + ': ' + what);
  }

  space(): void {
    while (this.at < this.source.length) {
      const c = this.source.charCodeAt(this.at);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.at++;
    }
  }

  value(): Json {
    this.space();
    const json = new Json();
    if (this.at >= this.source.length) this.fail('unexpected end');
    const c = this.source.charCodeAt(this.at);
    if (c == 0x7b) {
      json.kind = Kind.Object;
      this.at++;
      this.space();
      if (this.source.charCodeAt(this.at) == 0x7d) {
        this.at++;
        return json;
      }
      while (true) {
        this.space();
        if (this.source.charCodeAt(this.at) != 0x22) this.fail('a key');
        json.keys.push(this.string());
        this.space();
        if (this.source.charCodeAt(this.at) != 0x3a) this.fail('":"');
        this.at++;
        json.values.push(this.value());
        this.space();
        const next = this.source.charCodeAt(this.at++);
        if (next == 0x7d) break;
        if (next != 0x2c) this.fail('"," or "}"');
      }
    } else if (c == 0x5b) {
      json.kind = Kind.Array;
      this.at++;
      this.space();
      if (this.source.charCodeAt(this.at) == 0x5d) {
        this.at++;
        return json;
      }
      while (true) {
        json.items.push(this.value());
        this.space();
        const next = this.source.charCodeAt(this.at++);
        if (next == 0x5d) break;
        if (next != 0x2c) this.fail('"," or "]"');
      }
    } else if (c == 0x22) {
      json.kind = Kind.String;
      json.text = this.string();
    } else if (this.source.startsWith('true', this.at)) {
      json.kind = Kind.Boolean;
      json.boolean = true;
      this.at += 4;
    } else if (this.source.startsWith('false', this.at)) {
      json.kind = Kind.Boolean;
      this.at += 5;
    } else if (this.source.startsWith('null', this.at)) {
      this.at += 4;
    } else {
      const start = this.at;
      while (this.at < this.source.length) {
        const d = this.source.charCodeAt(this.at);
        // digits, "-", "+", ".", "e", "E"
        if ((d >= 0x30 && d <= 0x39) || d == 0x2d || d == 0x2b || d == 0x2e || d == 0x65 || d == 0x45) this.at++;
        else break;
      }
      if (start == this.at) this.fail('a value');
      json.kind = Kind.Number;
      json.number = parseFloat(this.source.substring(start, this.at));
    }
    return json;
  }

  string(): string {
    this.at++; // the opening quote
    let text = '';
    let from = this.at;
    while (true) {
      if (this.at >= this.source.length) this.fail('an unterminated string');
      const c = this.source.charCodeAt(this.at);
      if (c == 0x22) break;
      if (c == 0x5c) {
        text += this.source.substring(from, this.at);
        const e = this.source.charCodeAt(this.at + 1);
        if (e == 0x75) {
          text += String.fromCharCode(<i32>parseInt(this.source.substring(this.at + 2, this.at + 6), 16));
          this.at += 6;
        } else {
          if (e == 0x6e) text += '\n';
          else if (e == 0x72) text += '\r';
          else if (e == 0x74) text += '\t';
          else if (e == 0x62) text += '\b';
          else if (e == 0x66) text += '\f';
          else text += String.fromCharCode(e);
          this.at += 2;
        }
        from = this.at;
      } else this.at++;
    }
    text += this.source.substring(from, this.at);
    this.at++; // the closing quote
    return text;
  }
}

export function parse(source: string): Json {
  const reader = new Reader(source);
  const json = reader.value();
  reader.space();
  if (reader.at != source.length) reader.fail('text after the value');
  return json;
}

/** `text` as a JSON string, quotes included. */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += '\\\\';
    else if (c == 0x0a) out += '\\n';
    else if (c == 0x0d) out += '\\r';
    else if (c == 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/** `{"fr":…,"en":…}`: a text in both languages. */
export function text(fr: string, en: string): string {
  return '{"fr":' + quote(fr) + ',"en":' + quote(en) + '}';
}

/**
 * Sets the call's output to `json`, in UTF-8. Not `Host.outputString`: in @extism/as-pdk 1.0.0
 * it sizes the block by UTF-16 code units, so any accent overflows it (an out-of-bounds trap).
 */
export function output(json: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(json)));
}
