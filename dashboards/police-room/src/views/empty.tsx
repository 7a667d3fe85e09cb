// What a view shows while its data loads, when its API is not there yet, or
// when there is simply nothing to show.
import { useDashboard } from '../context.ts';
import type { Loaded } from '../hooks.ts';

export function EmptyState(props: {
  loaded: Loaded<unknown>;
  empty: string;
}): preact.JSX.Element | null {
  const { t } = useDashboard();
  const { loaded } = props;
  if (loaded.status === 'loading') return <p class="empty-note">…</p>;
  if (loaded.status === 'missing') {
    return (
      <p class="empty-note" data-empty="api-missing">
        {t.emptyApi}
      </p>
    );
  }
  if (loaded.status === 'forbidden') return <p class="empty-note">{t.roleCannotSee}</p>;
  if (loaded.status === 'failed') return <p class="empty-note error">{t.hubUnreachable}</p>;
  return (
    <p class="empty-note" data-empty="none">
      {props.empty}
    </p>
  );
}
