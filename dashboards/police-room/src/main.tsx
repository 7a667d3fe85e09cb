// The police-room dashboard: log in, then the alert wall and the other views,
// kept live over the hub's WebSocket. zh-CN first, English switchable.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { AlarmSound, type SoundState } from './alarm-sound.ts';
import { AlertBook } from './alert-book.ts';
import { fetchMe, HubUnreachable, request, whenUnauthenticated } from './api.ts';
import { DashboardContext, type Dashboard } from './context.ts';
import { texts, type Language } from './i18n.ts';
import { LiveConnection, type LiveNotice, type LiveState } from './live.ts';
import { RegistryIndex } from './registry-index.ts';
import { useRoute } from './route.ts';
import { Shell } from './views/shell.tsx';
import type { Me } from './types.ts';
import './style.css';

const languageKey = 'haven.language';

function storedLanguage(): Language {
  return localStorage.getItem(languageKey) === 'en' ? 'en' : 'zh-CN';
}

function Login(props: { language: Language; onLoggedIn: (me: Me) => void }): preact.JSX.Element {
  const t = texts[props.language];
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    try {
      const response = await request('/api/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
      });
      if (response.ok) {
        setError('');
        props.onLoggedIn((await response.json()) as Me);
      } else {
        setError(response.status === 429 ? t.tooMany : t.badLogin);
      }
    } catch (problem) {
      setError(problem instanceof HubUnreachable ? t.hubUnreachable : String(problem));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id="login" class="login" onSubmit={(event) => void submit(event)}>
      <h2>{t.loginTitle}</h2>
      <label>
        <span>{t.username}</span>
        <input name="username" autocomplete="username" required autofocus />
      </label>
      <label>
        <span>{t.password}</span>
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {t.login}
      </button>
      <p id="login-error" class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

function App(): preact.JSX.Element {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const [me, setMe] = useState<Me | undefined | 'checking'>('checking');
  const [liveState, setLiveState] = useState<LiveState>('offline');
  const [soundState, setSoundState] = useState<SoundState>('quiet');
  const [registryVersion, setRegistryVersion] = useState(0);
  const [, setBookVersion] = useState(0);
  const route = useRoute();

  const book = useMemo(() => new AlertBook(), []);
  const registry = useMemo(() => new RegistryIndex(), []);
  const sound = useMemo(() => new AlarmSound(setSoundState), []);
  const [notices, setNotices] = useState<LiveNotice[]>([]);
  const live = useMemo(
    () =>
      new LiveConnection(
        book,
        setLiveState,
        () => setMe(undefined),
        (notice) => setNotices((shown) => [...shown, notice]),
      ),
    [book],
  );
  const dismissNotice = (deliveryId: string): void => {
    live.markRead(deliveryId);
    setNotices((shown) => shown.filter((notice) => notice.deliveryId !== deliveryId));
  };

  const reloadRegistry = async (): Promise<void> => {
    await registry.load();
    setRegistryVersion((version) => version + 1);
  };

  useEffect(() => {
    whenUnauthenticated(() => setMe(undefined));
    fetchMe().then(setMe, () => setMe(undefined));
    return book.subscribe(() => setBookVersion((version) => version + 1));
  }, [book]);

  const loggedIn = me !== undefined && me !== 'checking';
  useEffect(() => {
    if (!loggedIn) return;
    live.start();
    reloadRegistry().catch(() => undefined);
    return () => {
      live.stop();
      sound.stop();
      book.clear();
    };
  }, [loggedIn, live, registry, sound, book]);

  // The alarm sounds while any critical alert is still new (unacknowledged).
  const alarming = book.open.some((a) => a.severity === 'critical' && a.state === 'new');
  useEffect(() => sound.setWanted(loggedIn && alarming), [loggedIn, alarming, sound]);

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem(languageKey, language);
  }, [language]);

  const t = texts[language];
  const toggleLanguage = (): void => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN');

  if (me === 'checking') return <div class="booting" />;
  if (!me) {
    return (
      <div class="login-page">
        <header class="topbar">
          <h1>Haven · {t.appTitle}</h1>
          <span class="spacer" />
          <button id="language" type="button" class="quiet" onClick={toggleLanguage}>
            {t.language}
          </button>
        </header>
        <Login
          language={language}
          onLoggedIn={(account) => {
            sound.unlock();
            setMe(account);
          }}
        />
      </div>
    );
  }

  const dashboard: Dashboard = {
    t,
    language,
    me,
    book,
    registry,
    sound,
    registryVersion,
    reloadRegistry,
  };
  return (
    <DashboardContext.Provider value={dashboard}>
      <Shell
        route={route}
        liveState={liveState}
        soundState={soundState}
        onToggleLanguage={toggleLanguage}
        onLogout={async () => {
          await request('/api/auth/logout', { method: 'POST', body: '{}' }).catch(() => null);
          setMe(undefined);
        }}
      />
      <ul class="notices" aria-live="assertive">
        {notices.map((notice) => (
          <li key={notice.deliveryId} class="notice" data-delivery={notice.deliveryId}>
            <strong>{notice.title}</strong>
            <p>{notice.body}</p>
            <button
              type="button"
              class="notice-read"
              onClick={() => dismissNotice(notice.deliveryId)}
            >
              {t.noticeRead}
            </button>
          </li>
        ))}
      </ul>
    </DashboardContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
