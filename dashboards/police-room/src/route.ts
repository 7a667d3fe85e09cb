// Views are addressed by the URL's hash (#/wall, #/alerts/<id>, #/video/<id>),
// so a wall screen can be pointed at one view and reloads land where they were.
import { useEffect, useState } from 'preact/hooks';

export type ViewName =
  'wall' | 'alert' | 'map' | 'video' | 'roster' | 'gates' | 'patrol' | 'health' | 'admin';

const views = new Set<ViewName>(['wall', 'map', 'video', 'roster', 'gates', 'patrol', 'health']);

export interface Route {
  view: ViewName;
  id: string | undefined;
  /** Options after "?" in the hash, e.g. #/video?mpeg1 */
  options: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const options = new URLSearchParams(query);
  const [name, id] = path.split('/');
  if (name === 'alerts' && id) return { view: 'alert', id: decodeURIComponent(id), options };
  if (name === 'admin') return { view: 'admin', id: undefined, options };
  if (name && views.has(name as ViewName)) {
    return { view: name as ViewName, id: id ? decodeURIComponent(id) : undefined, options };
  }
  return { view: 'wall', id: undefined, options };
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
