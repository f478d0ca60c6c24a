import { useEffect, useId, useState } from 'react';
import type { NoteTarget } from '../../shared/api.js';
import { API_LIMITS } from '../../shared/api.js';
import { useAppStore } from '../store/app-store.js';

/** Tags as typed: comma or whitespace separated, trimmed, distinct. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((t) => t.trim()).filter((t) => t !== ''))]
    .slice(0, API_LIMITS.maxTags)
    .map((t) => t.slice(0, API_LIMITS.maxTagLength));
}

/** The bookmark star and the note button of one target; the form opens below it. */
export function NoteButton({ target, label }: { target: NoteTarget; label: string }) {
  const note = useAppStore((s) => s.notes?.find((n) => n.target.kind === target.kind && n.target.id === target.id) ?? null);
  const saveNote = useAppStore((s) => s.saveNote);
  const [open, setOpen] = useState(false);
  const bookmarked = note?.bookmarked ?? false;
  const toggleBookmark = () =>
    void saveNote({ target, label, bookmarked: !bookmarked, tags: note?.tags ?? [], text: note?.text ?? '' });
  return (
    <span className="note-button">
      <button
        type="button"
        className={'icon-button' + (bookmarked ? ' bookmarked' : '')}
        data-testid="bookmark-toggle"
        aria-pressed={bookmarked}
        title={bookmarked ? 'Remove the bookmark' : 'Bookmark'}
        onClick={toggleBookmark}
      >
        {bookmarked ? '★' : '☆'}
        <span className="sr-only">{bookmarked ? 'Bookmarked' : 'Bookmark'}</span>
      </button>
      <button type="button" className="icon-button" data-testid="note-open" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {note && (note.text !== '' || note.tags.length > 0) ? 'Edit note' : 'Add note'}
      </button>
      {open && <NoteForm target={target} label={label} onClose={() => setOpen(false)} />}
    </span>
  );
}

function NoteForm({ target, label, onClose }: { target: NoteTarget; label: string; onClose: () => void }) {
  const note = useAppStore((s) => s.notes?.find((n) => n.target.kind === target.kind && n.target.id === target.id) ?? null);
  const saveNote = useAppStore((s) => s.saveNote);
  const deleteNote = useAppStore((s) => s.deleteNote);
  const [text, setText] = useState(note?.text ?? '');
  const [tags, setTags] = useState(note?.tags.join(', ') ?? '');
  const [bookmarked, setBookmarked] = useState(note?.bookmarked ?? false);
  const [saving, setSaving] = useState(false);
  const id = useId();
  useEffect(() => {
    setText(note?.text ?? '');
    setTags(note?.tags.join(', ') ?? '');
    setBookmarked(note?.bookmarked ?? false);
    // Only when another note is loaded, not on every keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [note?.id]);
  const save = async () => {
    setSaving(true);
    const saved = await saveNote({ target, label, bookmarked, tags: parseTags(tags), text: text.slice(0, API_LIMITS.maxNoteText) });
    setSaving(false);
    if (saved) onClose();
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
    <form
      className="modal note-form"
      role="dialog"
      aria-modal="true"
      data-testid="note-form"
      aria-label={`Note on ${label}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h2>{note ? 'Edit note' : 'Add note'}</h2>
      <div className="small muted">{label}</div>
      <label className="inline-check">
        <input type="checkbox" checked={bookmarked} onChange={(e) => setBookmarked(e.target.checked)} /> bookmark
      </label>
      <label htmlFor={id + '-tags'} className="small">Tags</label>
      <input id={id + '-tags'} data-testid="note-tags" value={tags} placeholder="persistence, T1543" onChange={(e) => setTags(e.target.value)} />
      <label htmlFor={id + '-text'} className="small">Note</label>
      <textarea id={id + '-text'} data-testid="note-text" rows={5} autoFocus value={text} onChange={(e) => setText(e.target.value)} />
      <div className="note-actions">
        {note && (
          <button type="button" className="link-button" onClick={() => void deleteNote(note.id).then(onClose)}>
            Delete
          </button>
        )}
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="primary" data-testid="note-save" disabled={saving}>
          Save
        </button>
      </div>
    </form>
    </div>
  );
}
