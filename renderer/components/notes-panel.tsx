import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Note } from '../../shared/api.js';
import { getApi } from '../api/api-client.js';
import { escapeControlsMultiline, escapeControlsSingleLine } from '../lib/escape-text.js';
import { useAppStore } from '../store/app-store.js';
import { TimeText } from './time-text.js';

function NoteItem({ note }: { note: Note }) {
  const { openEvent, navigate, deleteNote, chainProcesses, selectedSessionId, setNotice, pushError } = useAppStore(
    useShallow((s) => ({
      openEvent: s.openEvent, navigate: s.navigate, deleteNote: s.deleteNote, chainProcesses: s.chainProcesses, selectedSessionId: s.selectedSessionId,
      setNotice: s.setNotice, pushError: s.pushError,
    })),
  );
  const go = () => {
    switch (note.target.kind) {
      case 'event':
        openEvent(Number(note.target.id));
        break;
      case 'session':
        navigate({ kind: 'session', sessionId: note.target.id, tab: 'chain' });
        break;
      case 'process': {
        const id = note.target.id;
        const shown = chainProcesses?.find((x) => x.id === id);
        if (shown?.sessionId) {
          navigate({ kind: 'process', sessionId: shown.sessionId, processId: id });
          break;
        }
        // A process of another session: the engine knows which.
        getApi()
          .findProcesses({ text: id, limit: 1 })
          .then((found) => {
            const p = found.rows.find((x) => x.id === id);
            const sessionId = p?.sessionId ?? selectedSessionId;
            if (sessionId) navigate({ kind: 'process', sessionId, processId: id });
            else setNotice(`The process ${id} of this note belongs to no logon session in the case's analysis.`);
          })
          .catch((e: unknown) => pushError(e, 'Open note'));
        break;
      }
      default: {
        const unreachable: never = note.target.kind;
        void unreachable;
      }
    }
  };
  return (
    <li className="note-item" data-testid="note-item" data-target-kind={note.target.kind} data-target-id={note.target.id}>
      <div className="note-item-head">
        {note.bookmarked && <span className="bookmarked" aria-label="bookmarked">★</span>}
        <span className="badge">{note.target.kind}</span>
        <button type="button" className="link-button" onClick={go}>{escapeControlsSingleLine(note.label || note.target.id)}</button>
      </div>
      {note.tags.length > 0 && (
        <div className="note-tags">{note.tags.map((t) => <span key={t} className="chip chip-on">{escapeControlsSingleLine(t)}</span>)}</div>
      )}
      {note.text !== '' && <p className="note-text" data-testid="note-item-text">{escapeControlsMultiline(note.text)}</p>}
      <div className="small muted">
        <TimeText iso={note.updatedAt} precision="s" />
        <button type="button" className="link-button small" onClick={() => void deleteNote(note.id)}>delete</button>
      </div>
    </li>
  );
}

/** Every note, tag and bookmark of the case in one place. */
export function NotesPanel() {
  const notes = useAppStore((s) => s.notes);
  const [filter, setFilter] = useState('');
  const [onlyBookmarks, setOnlyBookmarks] = useState(false);
  if (notes === null) return <p className="muted pad">Loading notes…</p>;
  const needle = filter.trim().toLowerCase();
  const shown = notes.filter(
    (n) =>
      (!onlyBookmarks || n.bookmarked) &&
      (needle === '' || n.label.toLowerCase().includes(needle) || n.text.toLowerCase().includes(needle) || n.tags.some((t) => t.toLowerCase().includes(needle))),
  );
  return (
    <div className="notes-panel" data-testid="notes-panel">
      <div className="sessions-controls">
        <input type="search" aria-label="Search notes and tags" placeholder="Search notes and tags" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label className="inline-check"><input type="checkbox" checked={onlyBookmarks} onChange={(e) => setOnlyBookmarks(e.target.checked)} /> bookmarks</label>
      </div>
      {notes.length === 0 ? (
        <div className="empty-inline">
          <p>No notes yet. Use ☆ to bookmark, or “Add note”, on an event (detail pane), a process (tree) or a session (its header). They are saved in the case.</p>
        </div>
      ) : (
        <ul className="note-list">
          {shown.map((n) => <NoteItem key={n.id} note={n} />)}
        </ul>
      )}
    </div>
  );
}
