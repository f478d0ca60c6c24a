// The investigator's notes and bookmarks (views, shared/api.ts Note) as the report shows them.

import type { Note, NoteTarget } from '../../../shared/api.js';
import type { ReportBookmark, ReportNote, ReportTarget } from './report-model.js';

function targetOf(target: NoteTarget): ReportTarget | null {
  switch (target.kind) {
    case 'event': {
      const id = Number(target.id);
      return Number.isSafeInteger(id) ? { kind: 'event', eventId: id } : null;
    }
    case 'process':
      return { kind: 'process', processId: target.id };
    case 'session':
      return { kind: 'session', sessionId: target.id };
    default: {
      const never: never = target.kind;
      return never;
    }
  }
}

/** One note a target: its bookmark flag becomes a bookmark, its text a note (both when both). */
export function reportNotesOf(notes: readonly Note[], by = 'analyst'): { bookmarks: ReportBookmark[]; notes: ReportNote[] } {
  const bookmarks: ReportBookmark[] = [];
  const texts: ReportNote[] = [];
  for (const n of notes) {
    const target = targetOf(n.target);
    if (n.bookmarked && target) bookmarks.push({ target, label: n.label, tags: n.tags, createdAt: n.createdAt, createdBy: by });
    if (n.text.trim() !== '') texts.push({ target, text: n.text, createdAt: n.updatedAt, createdBy: by });
  }
  return { bookmarks, notes: texts };
}
