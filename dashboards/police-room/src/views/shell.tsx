// The frame around every view: the top bar (clock, live state, alarm sound,
// language, who is on duty), the navigation, and the critical banner that
// stays on top of every view until each critical alert is acknowledged.
import { useEffect } from 'preact/hooks';
import type { SoundState } from '../alarm-sound.ts';
import { useDashboard } from '../context.ts';
import { useNow } from '../hooks.ts';
import { typeLabel } from '../i18n.ts';
import type { LiveState } from '../live.ts';
import type { Route, ViewName } from '../route.ts';
import { formatAge, formatClock, formatDate } from '../time.ts';
import { AdminView } from './admin.tsx';
import { AlertDetailView } from './alert-detail.tsx';
import { GatesView } from './gates.tsx';
import { HealthView } from './health.tsx';
import { MapView } from './map.tsx';
import { PatrolView } from './patrol.tsx';
import { RosterView } from './roster.tsx';
import { VideoView } from './video.tsx';
import { WallView } from './wall.tsx';
import { subjectName } from './subject.ts';

interface ShellProps {
  route: Route;
  liveState: LiveState;
  soundState: SoundState;
  onToggleLanguage: () => void;
  onLogout: () => Promise<void>;
}

const navigation: { view: ViewName; hash: string }[] = [
  { view: 'wall', hash: '#/wall' },
  { view: 'map', hash: '#/map' },
  { view: 'video', hash: '#/video' },
  { view: 'roster', hash: '#/roster' },
  { view: 'gates', hash: '#/gates' },
  { view: 'patrol', hash: '#/patrol' },
  { view: 'health', hash: '#/health' },
];

function CurrentView(props: { route: Route }): preact.JSX.Element {
  const { view, id, options } = props.route;
  switch (view) {
    case 'alert':
      return <AlertDetailView id={id!} />;
    case 'map':
      return <MapView />;
    case 'video':
      return <VideoView cameraId={id} fallback={options.has('mpeg1')} />;
    case 'roster':
      return <RosterView bandId={id} />;
    case 'gates':
      return <GatesView />;
    case 'patrol':
      return <PatrolView />;
    case 'health':
      return <HealthView />;
    case 'admin':
      return <AdminView />;
    default:
      return <WallView />;
  }
}

function CriticalBanner(): preact.JSX.Element | null {
  const { t, book, registry } = useDashboard();
  const now = useNow(15_000);
  const waiting = book.open
    .filter((alert) => alert.severity === 'critical' && alert.state === 'new')
    .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  const first = waiting[0];
  if (!first) return null;
  return (
    <a id="critical-banner" class="critical-banner" href={`#/alerts/${first.id}`} role="alert">
      <strong>{typeLabel(t, first.type)}</strong>
      <span>{subjectName(t, registry, first)}</span>
      <span class="age">{formatAge(first.raisedAt, now, t.ago)}</span>
      {waiting.length > 1 && <span class="more">+{waiting.length - 1}</span>}
    </a>
  );
}

/** The clock re-renders every second on its own, not the whole page. */
function Clock(): preact.JSX.Element {
  const now = useNow(1_000);
  return (
    <span class="clock" aria-label={formatDate(now)}>
      <span class="date">{formatDate(now)}</span> {formatClock(now)}
    </span>
  );
}

export function Shell(props: ShellProps): preact.JSX.Element {
  const { t, me, sound } = useDashboard();

  // Any click or key press lets the browser play the alarm (autoplay rules).
  useEffect(() => {
    const unlock = (): void => sound.unlock();
    addEventListener('pointerdown', unlock, { once: true });
    addEventListener('keydown', unlock, { once: true });
    return () => {
      removeEventListener('pointerdown', unlock);
      removeEventListener('keydown', unlock);
    };
  }, [sound]);

  const activeView = props.route.view === 'alert' ? 'wall' : props.route.view;
  // Grid workers, family and doctors see their own alerts; the rest is the police room's.
  const policeRoom = ['viewer', 'operator', 'admin'].includes(me.role);
  return (
    <div class="shell" data-view={props.route.view}>
      <header class="topbar">
        <h1>Haven · {t.appTitle}</h1>
        <Clock />
        <span class="spacer" />
        <span id="connection" class="connection" data-state={props.liveState} role="status">
          {props.liveState === 'online' ? t.online : t.offline}
        </span>
        <button
          id="sound"
          type="button"
          class="sound"
          data-state={props.soundState}
          onClick={() => sound.unlock()}
        >
          {t.sound[props.soundState]}
        </button>
        <button id="language" type="button" class="quiet" onClick={props.onToggleLanguage}>
          {t.language}
        </button>
        <span class="who" data-role={me.role}>
          {me.username}
        </span>
        <button id="logout" type="button" class="quiet" onClick={() => void props.onLogout()}>
          {t.logout}
        </button>
      </header>
      <nav class="sidebar" aria-label="views">
        {navigation
          .filter((item) => policeRoom || item.view === 'wall')
          .map((item) => (
            <a
              key={item.view}
              href={item.hash}
              class={activeView === item.view ? 'active' : undefined}
              aria-current={activeView === item.view ? 'page' : undefined}
            >
              {t.nav[item.view as keyof typeof t.nav]}
            </a>
          ))}
        {me.role === 'admin' && (
          <a href="#/admin" class={activeView === 'admin' ? 'active' : undefined}>
            {t.nav.admin}
          </a>
        )}
      </nav>
      <main class="content">
        <CriticalBanner />
        <CurrentView route={props.route} />
      </main>
    </div>
  );
}
