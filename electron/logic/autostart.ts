import { join } from 'node:path';

// "Launch at login". Electron's app.setLoginItemSettings covers macOS and Windows;
// on Linux it does nothing, so the app writes an XDG autostart entry itself
// (~/.config/autostart/switchboard.desktop), pointing at the AppImage when it runs
// from one (its mounted path changes every run).

export function autostartPath(home: string, env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', 'switchboard.desktop');
}

/** The command that starts this app: the AppImage file, else the executable. */
export function autostartCommand(execPath: string, env: Readonly<Record<string, string | undefined>>): string {
  return env.APPIMAGE || execPath;
}

/** The .desktop entry; the command is quoted as the Desktop Entry spec asks. */
export function autostartEntry(command: string): string {
  const quoted = `"${command.replace(/(["`$\\])/g, '\\$1')}"`;
  return ['[Desktop Entry]', 'Type=Application', 'Name=Switchboard', 'Comment=Local LLM gateway for Claude Code (tray)', `Exec=${quoted}`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n');
}
