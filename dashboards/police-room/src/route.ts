// Views are addressed by the URL's hash (#/wall, #/alerts/<id>, #/video/<id>),
// so a wall screen can be pointed at one view and reloads land where they were.
import { useEffect, useState } from 'preact/hooks';

export type ViewName =
  'wall' | 'alert' | 'map' | 'video' | 'roster' | 'gates' | 'patrol' | 'health' | 'admin';

export interface Route {
  view: ViewName;
  id: string | undefined;
}

const views = new Set<ViewName>(['wall', 'map', 'video', 'roster', 'gates', 'patrol', 'health']);

export function parseRoute(hash: string): Route {
  const [name, id] = hash.replace(/^#\/?/, '').split('/');
  if (name === 'alerts' && id) return { view: 'alert', id: decodeURIComponent(id) };
  if (name === 'admin') return { view: 'admin', id: undefined };
  if (name && views.has(name as ViewName)) {
    return { view: name as ViewName, id: id ? decodeURIComponent(id) : undefined };
  }
  return { view: 'wall', id: undefined };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
