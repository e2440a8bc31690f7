import { describe, expect, it } from 'vitest';
import { DESKTOP_DEFAULTS, readDesktopSettings, toggled } from './settings.js';

describe('desktop settings', () => {
  it('has defaults: gateway starts with the app, not launched at login, notifications on, 10 s drain', () => {
    expect(DESKTOP_DEFAULTS).toEqual({ startGatewayAtLaunch: true, launchAtLogin: false, notifications: true, drainSeconds: 10 });
    expect(readDesktopSettings(undefined)).toEqual(DESKTOP_DEFAULTS);
    expect(readDesktopSettings('nonsense')).toEqual(DESKTOP_DEFAULTS);
  });

  it('keeps good fields, replaces bad ones with their default (saying so), and drops unknown ones', () => {
    const warnings: string[] = [];
    const s = readDesktopSettings({ launchAtLogin: true, startGatewayAtLaunch: 'yes', drainSeconds: 500, extra: 1 }, (m) => warnings.push(m));
    expect(s).toEqual({ ...DESKTOP_DEFAULTS, launchAtLogin: true });
    expect(warnings).toEqual(['desktop setting startGatewayAtLaunch is not valid ("yes"); using true', 'desktop setting drainSeconds is not valid (500); using 10']);
  });

  it('flips one checkbox', () => {
    expect(toggled(DESKTOP_DEFAULTS, 'launchAtLogin')).toEqual({ ...DESKTOP_DEFAULTS, launchAtLogin: true });
  });
});

describe('launch at login on Linux (XDG autostart)', () => {
  it('writes an entry under $XDG_CONFIG_HOME/autostart that starts the AppImage when there is one', async () => {
    const { autostartCommand, autostartEntry, autostartPath } = await import('./autostart.js');
    expect(autostartPath('/home/me', {})).toBe('/home/me/.config/autostart/switchboard.desktop');
    expect(autostartPath('/home/me', { XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/autostart/switchboard.desktop');
    expect(autostartCommand('/tmp/.mount_x/switchboard', { APPIMAGE: '/home/me/Apps/Switchboard.AppImage' })).toBe('/home/me/Apps/Switchboard.AppImage');
    expect(autostartCommand('/opt/Switchboard/switchboard', {})).toBe('/opt/Switchboard/switchboard');
    expect(autostartEntry('/home/me/My Apps/Switch"board')).toContain('Exec="/home/me/My Apps/Switch\\"board"\n');
    expect(autostartEntry('/opt/x').split('\n')[0]).toBe('[Desktop Entry]');
  });
});
