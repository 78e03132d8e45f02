import { mergeAttributes, Node, type Editor, type JSONContent } from '@tiptap/core';
import type { Node as ProseNode } from '@tiptap/pm/model';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useRef } from 'react';
import type { DraftPoint } from '../api/drafts';
import { splitPlaceholders } from './BracketedPointText';

type Bracket = DraftPoint['brackets'][number];

/** A bracket as it reads in the text, UN-style: each alternative in square brackets, separated by slashes. */
export const bracketLabel = (bracket: Bracket) => bracket.alternatives.map((a) => `[${a.text}]`).join(' / ');

/**
 * A bracket in the editor: one inline, non-editable node standing for the placeholder
 * `[[bracket-id]]` of the point's text, showing its alternatives. Deleting it deletes the bracket.
 */
const BracketNode = Node.create({
  name: 'bracket',
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  addAttributes() {
    return { id: { default: null }, label: { default: '' } };
  },
  parseHTML() {
    return [{ tag: 'span[data-bracket]' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return [
      'span',
      mergeAttributes(HTMLAttributes, {
        'data-bracket': node.attrs.id as string,
        class: 'draft-bracket',
        contenteditable: 'false',
      }),
      node.attrs.label as string,
    ];
  },
  renderText({ node }) {
    return `[[${node.attrs.id as string}]]`;
  },
});

/** A point's text (placeholders and all) as the editor's document: a paragraph a line. */
export function toDocument(text: string, brackets: Bracket[]): JSONContent {
  const byId = new Map(brackets.map((b) => [b.id, b]));
  return {
    type: 'doc',
    content: text.split('\n').map((line) => ({
      type: 'paragraph',
      content: splitPlaceholders(line, new Set(byId.keys())).map((piece) =>
        'text' in piece
          ? { type: 'text', text: piece.text }
          : { type: 'bracket', attrs: { id: piece.bracketId, label: bracketLabel(byId.get(piece.bracketId)!) } },
      ),
    })),
  };
}

/** The editor's document (or a part of it) as a point's text: lines joined, brackets as `[[id]]`. */
export function fromDocument(doc: ProseNode): string {
  const lines: string[] = [];
  doc.forEach((paragraph) => {
    let line = '';
    paragraph.forEach((node) => {
      if (node.isText) line += node.text ?? '';
      else if (node.type.name === 'bracket') line += `[[${node.attrs.id as string}]]`;
    });
    lines.push(line);
  });
  return lines.join('\n');
}

/** Where the cursor stands, as an offset in the point's text. */
export function cursorOffset(editor: Editor): number {
  return fromDocument(editor.state.doc.cut(0, editor.state.selection.from)).length;
}

/** The selected words, when they are plain words of one line (no bracket inside): with their offsets. */
export function selectedSpan(editor: Editor): { from: number; to: number; text: string } | null {
  const { from, to, empty } = editor.state.selection;
  if (empty) return null;
  const slice = editor.state.doc.cut(from, to);
  let plain = true;
  slice.descendants((node) => {
    if (node.type.name === 'bracket') plain = false;
  });
  const text = editor.state.doc.textBetween(from, to, '\n');
  if (!plain || text.includes('\n') || text.trim() === '') return null;
  return { from, to, text };
}

/** Puts a new bracket in place of the selection. */
export function bracketSelection(editor: Editor, span: { from: number; to: number }, bracket: Bracket): void {
  editor
    .chain()
    .focus()
    .insertContentAt(
      { from: span.from, to: span.to },
      { type: 'bracket', attrs: { id: bracket.id, label: bracketLabel(bracket) } },
    )
    .run();
}

/**
 * One point's wording, edited in place with Tiptap (ProseMirror): plain text with its brackets as
 * inline nodes that are not typed into. Tells each change as the point's text.
 */
export function PointEditor({
  point,
  label,
  onText,
  onReady,
}: {
  point: DraftPoint;
  label: string;
  onText: (text: string) => void;
  onReady: (editor: Editor | null) => void;
}) {
  // The editor is made once; what it tells goes to the latest handler.
  const tell = useRef(onText);
  tell.current = onText;
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        blockquote: false,
        bold: false,
        bulletList: false,
        code: false,
        codeBlock: false,
        dropcursor: false,
        gapcursor: false,
        hardBreak: false,
        heading: false,
        horizontalRule: false,
        italic: false,
        link: false,
        listItem: false,
        listKeymap: false,
        orderedList: false,
        strike: false,
        trailingNode: false,
        underline: false,
      }),
      BracketNode,
    ],
    content: toDocument(point.text, point.brackets),
    editorProps: {
      attributes: { 'aria-label': label, 'aria-multiline': 'true', role: 'textbox', class: 'draft-text' },
    },
    onUpdate: ({ editor: changed }) => tell.current(fromDocument(changed.state.doc)),
  });
  useEffect(() => {
    onReady(editor);
    return () => onReady(null);
    // The editor is made once per point (its key changes when the point is remade).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor]);
  return <EditorContent editor={editor} />;
}
