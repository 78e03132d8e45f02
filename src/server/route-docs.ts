/**
 * The summary of each operation and who may call it, for the OpenAPI document. Routes that carry
 * their own `summary` keep it; `app.ts` refuses to start when a documented route has neither.
 */
export const ROUTE_DOCS: Record<string, [summary: string, who: string]> = {
  'GET /api/health': ['Is the server up', 'Public.'],
  'GET /api/audit/verify': [
    'Verify the audit log',
    "Administrators only: walks the hash-chained audit log and checks it against the checkpoints signed with the installation's audit key (truncation, prepended or re-hashed events, a replaced chain, deleted or forged checkpoints; events after the last checkpoint are a warning), and compares the state the log describes with the live tables (naming rows by id and field). Reads no party's content.",
  ],
  'GET /api/audit/key': [
    "The installation's audit key",
    'Public: the Ed25519 public key (PEM) and its id, which verify the checkpoints and receipts; keep a copy outside Parley. 404 when this server signs nothing.',
  ],
  'GET /api/audit/checkpoints/latest': [
    'The latest signed checkpoint',
    'Any signed-in account: the last chain head the server signed (sequence number, hash, key id, signature), to copy and publish outside Parley. 404 before the first.',
  ],
  'POST /api/auth/login': [
    'Sign in',
    'Public: an e-mail and a password give a bearer token. Failed attempts are counted per address and per account; past a few, each further one opens a longer wait (429 with Retry-After).',
  ],
  'POST /api/auth/logout': ['Sign out', 'Any signed-in account: ends the session of this token.'],
  'GET /api/me': ['Who you are', 'Any signed-in account.'],
  'POST /api/users': [
    'Create an account',
    'Administrators only, without a password: the answer holds a one-time link with which the person chooses theirs, so no administrator knows a password that works. People who have no account are better invited to a negotiation.',
  ],
  'POST /api/users/:userId/password-link': [
    "Renew an account's password link",
    'Administrators only, for an account whose person has not chosen a password yet (the first link was lost or expired): a new one-time link, and the earlier one stops working. An account with a password gets none.',
  ],
  'GET /api/negotiations': ['Your negotiations', 'Any signed-in account: the negotiations it has a seat in.'],
  'POST /api/negotiations': [
    'Open a negotiation',
    'Any signed-in account; it becomes the convenor (a mediator of it).',
  ],
  'GET /api/negotiations/:id': ['A negotiation', 'Its members.'],
  'GET /api/negotiations/:id/export': [
    'The issues and preferences as GENIUS files',
    "Its members: a zip of the GENIUS domain (the issues and their open options) and one GENIUS profile for each party whose preferences the reader may see (their own party's; a mediator, those shared with the mediators), exactly as the settlement desk reads them. ?format=genius.",
  ],
  'POST /api/imports/genius': [
    'A new negotiation from a GENIUS domain',
    "Any signed-in account, which convenes it (as opening a negotiation): the body is a zip (application/zip) of an ANAC/GENIUS domain and its profiles; the domain's issues and options become the negotiation's, each profile a party with its preferences shared with the mediators, and a first text holds one point per issue. Nothing is saved when a file is refused (DOCTYPE or entities, deep nesting, oversize, a nonlinear profile).",
  ],
  'PATCH /api/negotiations/:id': [
    'Change a negotiation',
    'Its mediators: title, summary, current version, at a revision.',
  ],
  'GET /api/negotiations/:id/parties': ['The parties and coalitions', 'Its members.'],
  'POST /api/negotiations/:id/parties': ['Add a party or coalition', 'Its mediators.'],
  'GET /api/negotiations/:id/document': [
    'The document as it stands',
    'Its members: the current version, or the newest main-line text the reader has received; ?version= names another.',
  ],
  'GET /api/negotiations/:id/versions': [
    'The versions you may see',
    'Its members: each version they have received (a party its own drafts too), with only the points they may see.',
  ],
  'POST /api/negotiations/:id/versions': [
    'Write a version',
    'A party\'s members for their party (internal to it until sent), a mediator for the table. Point text holds each bracket as the placeholder [[bracket-id]], e.g. "Ukraine\'s army is capped at [[army-cap]]."',
  ],
  'GET /api/negotiations/:id/versions/:itemId': ['A version', 'Members who have received it.'],
  'GET /api/negotiations/:id/versions/:itemId/compare': [
    'Compare two versions',
    'Members who may see both: point by point (stable ids) and word by word; ?base= names the base (default: the parent).',
  ],
  'GET /api/negotiations/:id/versions/:itemId/export': [
    'A version as a file',
    "Members who may see the version: the text as they see it (no point of a track they are outside of, no position they may not read) as Markdown (?format=md) or Word (?format=docx), in one of the negotiation's languages (?lang=), or compared with another version they may see (?compare=; Word shows it as tracked changes signed by the party that made each change, where they may know it). Downloaded with its media type and a file name.",
  ],
  'POST /api/negotiations/:id/imports/preview': [
    'What a file would import as',
    'Members: the title, the numbered points, brackets and notes recognised in a file sent as the raw body with its media type (.docx, Markdown, plain text; up to 5 MB), ?name= its name. Nothing is saved. A file Parley does not read is 415, one it cannot read 422, one too large 413.',
  ],
  'POST /api/negotiations/:id/imports': [
    'Import a file as a new version',
    "As writing a version: a mediator for the table, a delegate for their party (?authorPartyId=). The file as in the preview; the version follows the text under negotiation (or ?parentId=), and points with the title or number of one of its points keep that point's id and track.",
  ],
  'POST /api/imports': [
    'Import a file as a new negotiation',
    'Any signed-in account, as opening a negotiation: it becomes the convenor, and the text its first version, current. The file as in the preview.',
  ],
  'POST /api/negotiations/:id/versions/:itemId/transmit': [
    'Send a version',
    "The author party's principal or lead (a mediator for a text of the table), to parties or to the mediators; the negotiation's transmission rules decide, by the text's content, whether each recipient may have it yet. It goes to each recipient the rules allow; the answer names those it reached (sentTo) and those held back, with why (heldBack). When it may go to none of them, nothing is sent: 403 with the refusal.",
  ],
  'GET /api/negotiations/:id/versions/:itemId/approvals': [
    'Where the rules stand for this text',
    "Members who have received it. Comments are read only by the approver's own party.",
  ],
  'POST /api/negotiations/:id/versions/:itemId/approvals': [
    'Approve or reject this exact text',
    'The principals a stage of a governing rule names, while that stage is open; the decision is bound to the contentHash sent.',
  ],
  'GET /api/negotiations/:id/versions/:itemId/red-lines': [
    'The red lines a version crosses',
    'Members who have received it: over the red lines and choices the reader may see.',
  ],
  'GET /api/negotiations/:id/positions': [
    'Positions',
    "Its members: their party's, those shared with them, and public ones, on points they may see; ?version= narrows.",
  ],
  'POST /api/negotiations/:id/positions': [
    'Take a position',
    "A party's members; sharing it beyond the party (visibility mediator or public) needs its principal or lead.",
  ],
  'PATCH /api/negotiations/:id/positions/:itemId': [
    'Change a position',
    "The party's members, at a revision; sharing beyond the party needs its principal or lead.",
  ],
  'GET /api/negotiations/:id/issues': ['Issues and their options', 'Its members.'],
  'POST /api/negotiations/:id/issues': ['Define an issue', 'Its mediators.'],
  'PATCH /api/negotiations/:id/issues/:itemId': [
    'Change an issue',
    'Its mediators, at a revision; options are never removed.',
  ],
  'GET /api/negotiations/:id/amendments': [
    'Every amendment you may see',
    "Its members: on every version they may see, the amendments of their own party (and coalitions), those tabled to the table, and those tabled to the mediators for a mediator (or the author party of a party's text); each with its conflicts among them.",
  ],
  'GET /api/negotiations/:id/versions/:itemId/amendments': [
    "A version's amendments",
    "Members who have received it: their party's own amendments, those tabled to the table, and those tabled to the mediators for a mediator (or the author party of a party's text), each with `conflicts` among those the reader sees. A track's point's amendments only for the track's parties and the mediators.",
  ],
  'POST /api/negotiations/:id/versions/:itemId/amendments': [
    'Propose an amendment',
    'Any member of a party that holds the version (received it, or wrote it): replace, insert or delete a span of a point\'s text or title (anchored by offsets and the quoted text), add a point, or delete one, with a justification. It stays internal to the party until tabled. E.g. `{"change": {"kind": "deletePoint", "pointId": "pt-7", "quote": "Audit of aid"}, "justification": "…"}`.',
  ],
  'PATCH /api/negotiations/:id/amendments/:itemId': [
    'Edit a draft amendment',
    "The party's members, at a revision, while it is a draft.",
  ],
  'POST /api/negotiations/:id/amendments/:itemId/table': [
    'Table an amendment',
    "The party's principal or lead: to the mediators (and the author party of a party's text) or to the table (every party holding the version). The words pass the transmission rules for each party they reach.",
  ],
  'POST /api/negotiations/:id/amendments/:itemId/decision': [
    'Accept or reject an amendment',
    "The pen-holder (a mediator for a text of the table; the author party's principal or lead for its own text), once, on a tabled amendment; a `change` accepts it with changes.",
  ],
  'POST /api/negotiations/:id/amendments/:itemId/withdraw': [
    'Withdraw an amendment',
    "The party's members for a draft, its principal or lead once tabled; not once decided.",
  ],
  'POST /api/negotiations/:id/versions/:itemId/consolidate': [
    'Consolidate the accepted amendments',
    "The pen-holder: the next version (a child of this one, written like any version, internal to the author party for a party's text) from every accepted amendment; conflicting accepted amendments are refused, naming both. Pending amendments are carried to it, re-anchored, or orphaned with the reason; the spans each amendment brought are kept for provenance.",
  ],
  'GET /api/negotiations/:id/red-lines': [
    'Red lines',
    "Its members: their party's, those shared with them, and public ones.",
  ],
  'POST /api/negotiations/:id/red-lines': [
    'State a red line',
    "A party's members; sharing it beyond the party needs its principal or lead.",
  ],
  'PATCH /api/negotiations/:id/red-lines/:itemId': ['Change a red line', "The party's members, at a revision."],
  'GET /api/negotiations/:id/preferences': [
    'Preferences',
    "Its members: their party's, and for mediators those shared with them. Never public.",
  ],
  'PUT /api/negotiations/:id/parties/:itemId/preferences': [
    "Set a party's preferences",
    "The party's members; sharing with the mediators needs its principal or lead.",
  ],
  'GET /api/negotiations/:id/rounds': [
    'Rounds of talks',
    'Its members; a version a reader has not received is not named.',
  ],
  'POST /api/negotiations/:id/rounds': [
    'Record a round',
    'Its mediators. Dates as ISO 8601, e.g. 2025-11-23 or 2025-11-23T18:00:00+01:00.',
  ],
  'PATCH /api/negotiations/:id/rounds/:itemId': ['Change a round', 'Its mediators, at a revision.'],
  'GET /api/negotiations/:id/statements': [
    'Public statements',
    'Its members; points of a track the reader is outside of are not named.',
  ],
  'POST /api/negotiations/:id/statements': ['Record a public statement', 'Its mediators, with its source.'],
  'GET /api/negotiations/:id/tracks': [
    'Tracks',
    'Its members: the tracks of their parties (all of them for mediators).',
  ],
  'POST /api/negotiations/:id/tracks': ['Open a track', 'Its mediators: some points among some parties.'],
  'PATCH /api/negotiations/:id/tracks/:itemId': ['Change a track', 'Its mediators, at a revision.'],
  'GET /api/negotiations/:id/drafts': [
    'Your drafts',
    "Its members: their party's drafts (a coalition's for its member parties' delegates), and the table's for its mediators; no one else's, not even that they exist. Without points; they are in each draft.",
  ],
  'POST /api/negotiations/:id/drafts': [
    'Open a draft',
    "A party's delegates for the party, its mediators for the table's text: from a version they see (its points as they see them), or empty.",
  ],
  'GET /api/negotiations/:id/drafts/:itemId': ['A draft', 'Its owners: the delegates of its party, or the mediators.'],
  'PUT /api/negotiations/:id/drafts/:itemId': [
    'Save a draft',
    'Its owners, at the revision they last read: a stale revision gets 409 with the current draft (in `current`) to merge and save again; an issued draft is read-only.',
  ],
  'POST /api/negotiations/:id/drafts/:itemId/issue': [
    'Issue a draft as a version',
    "Its owners: the draft becomes a version, a child of its base, checked as every new version is (a party's stays internal to the party until sent). Once only.",
  ],
  'DELETE /api/negotiations/:id/drafts/:itemId': ['Discard a draft', 'Its owners.'],
  'GET /api/negotiations/:id/transmission-rules': [
    'Transmission rules',
    'Its members: the procedure is known at the table.',
  ],
  'POST /api/negotiations/:id/transmission-rules': [
    'Add a transmission rule',
    'A mediator, or the principal or lead of every author party it names. Rules add up: a new one never weakens another.',
  ],
  'POST /api/negotiations/:id/transmission-rules/:itemId/changes': [
    'Propose to change or remove a rule',
    'The principals it names, the leads of its author parties, or a mediator; it takes effect once every principal it names consents.',
  ],
  'POST /api/negotiations/:id/transmission-rules/:itemId/changes/:changeId/consent': [
    'Consent to a rule change',
    'The principals the rule names.',
  ],
  'GET /api/negotiations/:id/utilities': [
    'What each version is worth',
    "Its members: a party's members, the utility of each version they see under their own party's preferences (and their coalitions'); a mediator, under each preference shared with the mediators. Computed from the issues' options, stored nowhere; a version that leaves issues open gets the lowest and highest it can still come to.",
  ],
  'GET /api/negotiations/:id/history': [
    'The history',
    "Its members: who did what and when, newest first, by name, filtered by the visibility policy (a party reads its own events and what was shared with it, never another party's private material nor a text it did not receive). Paged with ?before= and ?limit=: one request looks at a bounded number of events of the log, so a page may hold fewer entries than asked, even none; go on with its nextBefore until it is null.",
  ],
  'GET /api/negotiations/:id/receipts': [
    "Your party's receipts",
    'Its members: a receipt of every transmission, approval, countersignature and agreement mark that concerns their party (texts it sent or received, its approvals, its marks), signed with the audit key, to keep outside Parley and check with `parley audit verify --receipt`. Paged as the history: { receipts, nextBefore }, ?before= and ?limit=.',
  ],
  'GET /api/negotiations/:id/receipts/:seq': [
    'Download one receipt',
    'Its members whose party holds it: one receipt as a JSON file; 404 for an event their party holds no receipt of.',
  ],
  'GET /api/negotiations/:id/progress': [
    'Progress',
    'Its members: per version and over the rounds, counted over what the reader may see.',
  ],
  'GET /api/negotiations/:id/agreement': [
    'Where the agreement stands now',
    'Its members: the agreement on the text under negotiation (the current version, else the newest shared text of the table), as on GET …/versions/:versionId/agreement.',
  ],
  'GET /api/negotiations/:id/versions/:versionId/agreement': [
    'Where the agreement stands on a version',
    "Members who have received it: each point's marks, void marks and brackets (withheld on a track the reader is outside of: only its number and whether it is agreed), and what stands in the way, in words.",
  ],
  'PUT /api/negotiations/:id/versions/:versionId/agreement': [
    'Agree the whole text ad referendum',
    "A party's principal or lead, for a party (not a coalition): marks, in one step, every point of a standing text of the table the party is at the table on and that has no bracket open, each bound to its content hash (a point in brackets waits for them to close). One audit event. Not on a locked text (409). When it completes the agreement, the text is locked.",
  ],
  'PUT /api/negotiations/:id/versions/:versionId/points/:pointId/agreement': [
    'Mark a point agreed ad referendum',
    "A party's principal or lead, for a party (not a coalition) at the table on the point, on a standing text of the table; the mark is bound to the point's content hash, so any edit voids it. Not on a locked text (409). When it completes the agreement, the text is locked.",
  ],
  'DELETE /api/negotiations/:id/versions/:versionId/points/:pointId/agreement': [
    'Take back a mark of agreement',
    "The party's principal or lead (?partyId=); not on a locked text: a mediator reopens a point.",
  ],
  'POST /api/negotiations/:id/agreement/reopen': [
    'Reopen a point of the locked text',
    'Its mediators, with a reason: the lock is lifted, the marks on the point taken back, and both recorded.',
  ],
  'POST /api/negotiations/:id/tracks/:trackId/close': [
    'Close a track',
    'Its mediators, once every point the text under negotiation assigns to the track is agreed (409 naming those that are not).',
  ],
  'POST /api/negotiations/:id/tracks/:trackId/reopen': [
    'Reopen a track',
    'Its mediators; not while the text is locked (reopen a point first).',
  ],
  'GET /api/negotiations/:id/brackets': [
    'The brackets of the text under negotiation',
    'Its members: as GET …/versions/:versionId/brackets for the text under negotiation.',
  ],
  'GET /api/negotiations/:id/versions/:versionId/brackets': [
    "Each bracket's life",
    'Members who have received the version: over the versions of its chain they received, where each bracket opened, how its alternatives changed, and how, when, in which round and with whose agreement it closed; the brackets open in each version.',
  ],
  'POST /api/negotiations/:id/versions/:versionId/brackets/:bracketId/close': [
    'Close a bracket',
    "The version's pen-holder (the mediators for a text of the table, the author party's principal or lead for its own): choose an alternative or drop the language, naming the parties whose agreement closes it; answers 201 with the next version (made as any version is) and the closure. A bracket closed already in this version, or not in it, is refused; so is a locked text.",
  ],
  'GET /api/negotiations/:id/versions/:versionId/provenance': [
    'Where each character came from',
    "Members who have received the version: per point, the spans of its title and text with the version, round, and the amendment and party that brought them. An amendment the reader may not know of reads as the version's own; a version the reader never received reads as the first one they did.",
  ],
};
