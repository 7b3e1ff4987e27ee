import { isPair, isScalar, visit, type Document, type LineCounter, type YAMLError } from "yaml";

export interface SyntaxProblem {
  line: number;
  col: number;
  message: string;
}

/**
 * The one syntax error worth reading: the first in the file. The parser goes on after it and
 * reports every following token as unexpected (a hundred lines for one unquoted `${VAR}`),
 * all of them consequences. Its place is moved to where the mistake is written, not where the
 * parser noticed it: the opening quote of an unclosed string, the first character of a line
 * indented wrongly.
 */
export function firstSyntaxProblem(
  doc: Document.Parsed,
  text: string,
  lines: LineCounter,
  errors: readonly YAMLError[],
): SyntaxProblem {
  const e = errors.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
  const { offset, message } = explain(doc, text, e);
  return { ...lines.linePos(offset), message };
}

function explain(doc: Document.Parsed, text: string, e: YAMLError): { offset: number; message: string } {
  const offset = e.pos[0];
  const said = e.message.split("\n")[0]!;
  if (text[offset] === "{" && text[offset - 1] === "$") {
    return {
      offset: offset - 1,
      message: 'a ${VARIABLE} inside { } or [ ] must be quoted: write "${VARIABLE}"',
    };
  }
  if (e.code === "MISSING_CHAR" && /closing .?quote/i.test(said)) {
    const opened = quotedScalarEndingAt(doc, offset);
    const quote = said.includes("'") ? "'" : '"';
    return opened === undefined
      ? { offset, message: `missing closing ${quote}` }
      : { offset: opened, message: `this ${quote} is never closed` };
  }
  const closing = /end with an? ([}\]])/.exec(said)?.[1];
  if (closing) {
    const opened = flowCollectionOpenAt(doc, offset);
    const bracket = closing === "}" ? "{" : "[";
    if (opened !== undefined) return { offset: opened, message: `this ${bracket} is never closed with ${closing}` };
  }
  if (e.code === "DUPLICATE_KEY") {
    const key = keyAt(doc, offset);
    return { offset, message: key === undefined ? said : `duplicate key "${key}" (keys must be unique in a mapping)` };
  }
  if (e.code === "BLOCK_AS_IMPLICIT_KEY") {
    // Reported at the value above; the mistake is the next line's indentation.
    const next = text.indexOf("\n", offset);
    return {
      offset: next === -1 ? offset : firstNonSpaceOnLine(text, next + 1),
      message: "this line is indented deeper than the key above it: keys of one mapping line up",
    };
  }
  if (e.code === "MULTILINE_IMPLICIT_KEY") {
    return { offset: firstNonSpaceOnLine(text, offset), message: 'expected "key: value" here (a missing colon?)' };
  }
  if (e.code === "MULTIPLE_DOCS") {
    return {
      offset,
      message: "a file holds one document: remove the --- separator, or split it into files (-f takes a directory)",
    };
  }
  if (e.code === "TAB_AS_INDENT") return { offset, message: "tabs are not allowed as indentation: indent with spaces" };
  const start = firstNonSpaceOnLine(text, offset);
  if (e.code === "BAD_INDENT" || /without - indicator|indent/i.test(said)) {
    return { offset: start, message: `${said} (check the indentation of this line and the one above)` };
  }
  return { offset: start, message: said };
}

function quotedScalarEndingAt(doc: Document.Parsed, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, s) {
      const quoted = s.type === "QUOTE_DOUBLE" || s.type === "QUOTE_SINGLE";
      if (quoted && s.range && s.range[0] < offset && s.range[1] >= offset) {
        found = s.range[0];
        return visit.BREAK;
      }
    },
  });
  return found;
}

/** The innermost { } or [ ] that starts before `offset` and runs up to it. */
function flowCollectionOpenAt(doc: Document.Parsed, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Collection(_key, c) {
      if (c.flow && c.range && c.range[0] < offset && c.range[1] >= offset) found = c.range[0];
    },
  });
  return found;
}

function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = String(pair.key.value);
        return visit.BREAK;
      }
    },
  });
  return found;
}

/** Skips the spaces the parser counts as the start of a badly indented line. */
function firstNonSpaceOnLine(text: string, offset: number): number {
  let i = offset;
  while (text[i] === " ") i++;
  return i < text.length && text[i] !== "\n" ? i : offset;
}
