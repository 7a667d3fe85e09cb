// What an operator does with an alert: acknowledge, assign (派单), add a note,
// resolve with a note. Viewers see the state but get no buttons (the hub
// refuses them too). Each change comes back from the hub and goes in the book.
import { useState } from 'preact/hooks';
import { postJson } from '../api.ts';
import { useDashboard } from '../context.ts';
import { canOperate, type Alert } from '../types.ts';

type FormMode = 'assign' | 'note' | 'resolve';

export function AlertActions(props: {
  alert: Alert;
  onNoted?: () => void;
}): preact.JSX.Element | null {
  const { t, me, book } = useDashboard();
  const { alert } = props;
  const [mode, setMode] = useState<FormMode | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');

  if (!canOperate(me.role) || alert.state === 'resolved') return null;
  const path = `/api/alerts/${encodeURIComponent(alert.id)}`;

  async function act(run: () => Promise<void>): Promise<void> {
    setBusy(true);
    setProblem('');
    try {
      await run();
      setMode(undefined);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const acknowledge = (): Promise<void> =>
    act(async () => book.apply(await postJson<Alert>(`${path}/acknowledge`, {})));

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const note = String(form.get('note') ?? '').trim();
    await act(async () => {
      if (mode === 'assign') {
        const assignee = String(form.get('assignee') ?? '').trim();
        // 派单: a new or acknowledged alert is dispatched; a dispatched one reassigned.
        const action = alert.state === 'dispatched' ? 'assign' : 'dispatch';
        book.apply(await postJson<Alert>(`${path}/${action}`, { assignee, ...(note && { note }) }));
      } else if (mode === 'resolve') {
        if (!note) throw new Error(t.actions.resolveNeedsNote);
        book.apply(await postJson<Alert>(`${path}/resolve`, { note }));
      } else {
        await postJson(`${path}/notes`, { note });
      }
      props.onNoted?.();
    });
  }

  return (
    <div class="alert-actions" onClick={(event) => event.stopPropagation()}>
      <div class="buttons">
        {alert.state === 'new' && (
          <button
            type="button"
            class="acknowledge primary"
            disabled={busy}
            onClick={() => void acknowledge()}
          >
            {t.actions.acknowledge}
          </button>
        )}
        <button type="button" class="assign" disabled={busy} onClick={() => setMode('assign')}>
          {t.actions.assign}
        </button>
        <button type="button" class="note" disabled={busy} onClick={() => setMode('note')}>
          {t.actions.note}
        </button>
        <button type="button" class="resolve" disabled={busy} onClick={() => setMode('resolve')}>
          {t.actions.resolve}
        </button>
      </div>
      {mode && (
        <form class="action-form" data-mode={mode} onSubmit={(event) => void submit(event)}>
          {mode === 'assign' && (
            <label>
              <span>{t.actions.assignee}</span>
              <input name="assignee" required maxLength={64} defaultValue={alert.assignee ?? ''} />
            </label>
          )}
          <textarea
            name="note"
            rows={2}
            maxLength={2000}
            required={mode !== 'assign'}
            placeholder={t.actions.notePlaceholder}
          />
          <div class="buttons">
            <button type="submit" class="primary save" disabled={busy}>
              {mode === 'resolve' ? t.actions.resolve : t.actions.save}
            </button>
            <button type="button" class="quiet" onClick={() => setMode(undefined)}>
              {t.actions.cancel}
            </button>
          </div>
        </form>
      )}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
