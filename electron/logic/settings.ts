import { z } from 'zod';

// The desktop app's own settings (not the gateway's config file): kept by
// electron-store in the app's user-data folder, read through this schema so a
// hand-edited or older file never breaks the start (bad values fall back to defaults).

export const DesktopSettingsSchema = z.object({
  /** Start the gateway when the app starts (otherwise the tray's Start does). */
  startGatewayAtLaunch: z.boolean().default(true),
  /** Open Switchboard (in the tray) when you log in. */
  launchAtLogin: z.boolean().default(false),
  /** Desktop notifications for failovers, providers down/recovered and budgets. */
  notifications: z.boolean().default(true),
  /** How long Quit and Stop let requests in flight finish before ending them with an error. */
  drainSeconds: z.number().int().min(0).max(120).default(10),
});

export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export const DESKTOP_DEFAULTS: DesktopSettings = DesktopSettingsSchema.parse({});

/** electron-store key holding the settings object. */
export const SETTINGS_KEY = 'desktop';

/** The settings from what is stored: each bad or missing field takes its default; unknown fields are dropped. */
export function readDesktopSettings(raw: unknown, warn: (msg: string) => void = () => {}): DesktopSettings {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DESKTOP_DEFAULTS) as Array<keyof DesktopSettings>) {
    const field = DesktopSettingsSchema.shape[key].safeParse(obj[key]);
    if (field.success) out[key] = field.data;
    else {
      out[key] = DESKTOP_DEFAULTS[key];
      warn(`desktop setting ${key} is not valid (${JSON.stringify(obj[key])}); using ${JSON.stringify(DESKTOP_DEFAULTS[key])}`);
    }
  }
  return out as DesktopSettings;
}

/** The settings with one boolean flipped (the tray's checkboxes). */
export function toggled(s: DesktopSettings, key: 'launchAtLogin' | 'startGatewayAtLaunch' | 'notifications'): DesktopSettings {
  return { ...s, [key]: !s[key] };
}
