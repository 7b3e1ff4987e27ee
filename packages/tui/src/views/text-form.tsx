import { useState } from "react";
import { Box, Text, useInput } from "ink";
import type { FieldIssue } from "@uptop/core";
import { fit } from "../format.js";
import type { Theme } from "../theme.js";

export interface FormField {
  key: string;
  label: string;
  hint?: string;
}

interface Props {
  title: string;
  fields: readonly FormField[];
  initial: Record<string, string>;
  /** Field errors to show (from local validation or the server's 400). */
  issues: readonly FieldIssue[];
  /** A message for the whole form (a refusal, a failure that names no field). */
  error: string | null;
  busy: boolean;
  theme: Theme;
  width: number;
  onSubmit(values: Record<string, string>): void;
  onCancel(): void;
}

const LABEL_WIDTH = 14;

/** A form of one-line text fields: ↑/↓ or Tab move, typing edits, Enter saves, Esc cancels. */
export function TextForm({ title, fields, initial, issues, error, busy, theme, width, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [at, setAt] = useState(0);
  useInput((input, key) => {
    if (busy) return;
    const field = fields[at];
    if (key.escape) onCancel();
    else if (key.return) onSubmit(values);
    else if (key.upArrow || (key.tab && key.shift)) setAt((i) => (i + fields.length - 1) % fields.length);
    else if (key.downArrow || key.tab) setAt((i) => (i + 1) % fields.length);
    else if (field && (key.backspace || key.delete))
      setValues((v) => ({ ...v, [field.key]: (v[field.key] ?? "").slice(0, -1) }));
    else if (field && key.ctrl && input === "u") setValues((v) => ({ ...v, [field.key]: "" }));
    else if (field && input && !key.ctrl && !key.meta)
      setValues((v) => ({ ...v, [field.key]: (v[field.key] ?? "") + input.replace(/[\r\n\t]/g, "") }));
  });
  const valueWidth = Math.max(10, Math.min(width >= 120 ? 60 : 30, width - LABEL_WIDTH - 4));
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.accent} wrap="truncate">
        {title}
      </Text>
      {fields.map((f, i) => {
        const issue = issues.find((x) => x.field === f.key || x.field.startsWith(`${f.key}.`));
        const value = values[f.key] ?? "";
        const shown = value.length > valueWidth - 1 ? `…${value.slice(-(valueWidth - 2))}` : value;
        return (
          <Text key={f.key} wrap="truncate">
            <Text
              color={i === at ? theme.accent : theme.muted}
            >{`${i === at ? "›" : " "} ${fit(f.label, LABEL_WIDTH)}`}</Text>
            <Text inverse={i === at}>{fit(i === at ? `${shown}▏` : shown, valueWidth)}</Text>
            {issue ? (
              <Text color={theme.down}> {issue.message.replace(/^Invalid input: /, "")}</Text>
            ) : f.hint ? (
              <Text color={theme.muted}> {f.hint}</Text>
            ) : null}
          </Text>
        );
      })}
      <Text wrap="truncate" color={error ? theme.down : theme.muted}>
        {error ??
          (issues.length
            ? `${issues.length} field${issues.length > 1 ? "s" : ""} to fix: ${issues.map((i) => `${i.field || "body"}: ${i.message}`).join("; ")}`
            : busy
              ? "saving…"
              : "")}
      </Text>
    </Box>
  );
}
