// What every view of the dashboard reads: words, who is logged in, the alerts,
// the registry and the alarm sound.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AlarmSound } from './alarm-sound.ts';
import type { AlertBook } from './alert-book.ts';
import type { Language, Texts } from './i18n.ts';
import type { RegistryIndex } from './registry-index.ts';
import type { Me } from './types.ts';

export interface Dashboard {
  t: Texts;
  language: Language;
  me: Me;
  book: AlertBook;
  registry: RegistryIndex;
  sound: AlarmSound;
  /** The registry finished loading (names and grids can be shown). */
  registryVersion: number;
  /** Loads the registry again after an administrator changed it. */
  reloadRegistry: () => Promise<void>;
}

export const DashboardContext = createContext<Dashboard | undefined>(undefined);

export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard outside the logged-in dashboard');
  return dashboard;
}
