/**
 * Formats: a version (or a negotiation's issues and preferences) out to a file, and a file in as
 * points. Pure like `core`: bytes and data in, bytes and data out; the store gathers what a reader
 * may see (`store/exports.ts`) and the server and the command hand it here. A format sees nothing
 * the reader may not: every field of an `ExportInput` is already the reader's view.
 */
import type { Id, Party, Point, Position, Track, VersionView, VersionProvenance } from '../core/model.ts';

/** What a version's export is made of: the reader's view of it, in one language. */
export interface ExportInput {
  negotiation: { id: Id; title: string; summary: string };
  /** The version as the reader sees it, its points' wording in `lang`. */
  version: VersionView;
  /** The language asked for (BCP 47), and the negotiation's languages, drafting one first. */
  lang: string;
  languages: { drafting: string; all: string[]; authentic: string[]; prevailing: string | null };
  /** Point ids whose text in `lang` is not up to date with another language (or is missing). */
  languageBehind: { pointId: Id; behind: string[] }[];
  /** Every party at the table, for names (a reader may know every party's name). */
  parties: Party[];
  /** The tracks the reader may see. */
  tracks: Track[];
  /** Where the text stands, for every page: "Draft — not agreed", "Agreed ad referendum". */
  status: { label: string; agreed: boolean; obstacles: string };
  /** The positions on the version's points the reader may see (Markdown lists them). */
  positions: Position[];
  /** Provenance of the version's characters, as far as the reader may know (revision authors). */
  provenance: VersionProvenance | null;
  /** With `--compare A`: the version A as the reader sees it, in the same language. */
  compareWith: VersionView | null;
  /** The approvals and transmissions of this text the reader may know of (Akoma Ntoso's workflow). */
  workflow: WorkflowStep[];
  /** The amendments to this version the reader may see (Akoma Ntoso `amendment` documents). */
  amendments: ExportAmendment[];
  /** When the file is made (ISO-8601), handed in by the caller. */
  generatedAt: string;
}

/** One step of a text's life: written, approved at a stage, transmitted to a party. */
export interface WorkflowStep {
  kind: 'written' | 'approved' | 'rejected' | 'sent_back' | 'transmitted' | 'agreed';
  at: string;
  /** The party acting or receiving; null for the mediators. */
  partyId: Id | null;
  /** Who acted, by name, where the reader may know. */
  actor: string | null;
  note: string;
}

/** An amendment as a file shows it: what it changes, who proposed it and where it stands. */
export interface ExportAmendment {
  id: Id;
  partyId: Id;
  pointId: Id | null;
  state: string;
  description: string;
  justification: string;
}

/** A file as it comes in: its bytes, its name and the media type it was sent with. */
export interface ImportFile {
  bytes: Uint8Array;
  name: string;
  mediaType: string;
}

/** What an import recognised, before anything is saved: the points, and what it could not place. */
export interface RecognisedText {
  title: string;
  points: Point[];
  /** Languages found (Akoma Ntoso `xml:lang`), the first the points' own. */
  lang: string;
  /** Things worth telling the person before they save: a paragraph outside any point, an odd number. */
  notes: string[];
}
