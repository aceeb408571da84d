// CodeMirror 6 set up for JSON as the app shows it: syntax colours and the editor's
// chrome from the theme's variables (both themes), folding, and the payload check's
// problem as a diagnostic at its exact line and column.
import { json } from "@codemirror/lang-json";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState, type Extension, type Text } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { tags } from "@lezer/highlight";

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--text)", fontWeight: "600" },
  { tag: tags.string, color: "var(--ok)" },
  { tag: tags.number, color: "var(--link)" },
  { tag: [tags.bool, tags.null], color: "var(--accent)" },
  { tag: tags.invalid, color: "var(--danger)" },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--bg)", color: "var(--text)", border: "1px solid var(--border)", fontSize: "0.85rem" },
  "&.cm-focused": { outline: "2px solid var(--focus)" },
  ".cm-content": { fontFamily: "ui-monospace, monospace", caretColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--bg-raised)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--hover)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--selected)" },
  ".cm-cursor": { borderLeftColor: "var(--text)" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--chip)", color: "var(--text)", border: "none" },
  ".cm-tooltip": { backgroundColor: "var(--bg-raised)", color: "var(--text)", border: "1px solid var(--border)" },
  ".cm-lintRange-error": { textDecoration: "underline wavy var(--danger)", backgroundImage: "none" },
  ".cm-diagnostic-error": { borderLeft: "4px solid var(--danger)" },
});

/** The extensions of a JSON editor; `onChange` hears every edit of the document. */
export function jsonExtensions(options: { readOnly: boolean; label: string; onChange?: (text: string) => void }): Extension[] {
  return [
    basicSetup,
    json(),
    syntaxHighlighting(highlight),
    lintGutter(),
    theme,
    EditorState.readOnly.of(options.readOnly),
    EditorView.editable.of(!options.readOnly),
    EditorView.contentAttributes.of({ "aria-label": options.label }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange?.(update.state.doc.toString());
    }),
  ];
}

/** A problem at a 1-based line and column as a diagnostic on the document (clamped to it). */
export function diagnosticAt(doc: Text, line: number, column: number, message: string): Diagnostic {
  const lineInfo = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const from = Math.min(lineInfo.from + Math.max(column - 1, 0), lineInfo.to);
  // One character wide where there is one, so the underline shows.
  const to = from < lineInfo.to ? from + 1 : from;
  return { from, to, severity: "error", message };
}
