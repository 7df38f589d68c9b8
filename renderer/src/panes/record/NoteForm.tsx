import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../store/actions';
import { recordActions, refreshRecordOf } from '../../store/record';

export function NoteForm({ session }: { session: string }) {
  const [text, setText] = useState('');
  const add = useAction(`record.note:${session}`, recordActions.note, {
    onDone: () => {
      setText('');
      refreshRecordOf(session);
    },
  });
  return (
    <form
      className="record-note"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) void add.run(session, text.trim());
      }}
    >
      <input aria-label="Note" placeholder="Add a note to the timeline" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={!text.trim() || add.busy}>
        Add note
      </button>
      <ErrorNote error={add.error} className="small" />
    </form>
  );
}
