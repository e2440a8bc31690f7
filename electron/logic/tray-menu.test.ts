import { describe, expect, it } from 'vitest';
import { exportLine, trayMenu, type MenuAction, type MenuItem } from './menu.js';
import { stoppedSnapshot, STRATEGIES, type GatewaySnapshot, type Health } from './snapshot.js';
import { trayLook } from './tray-state.js';

function running(health: Record<string, Health>, strategy: GatewaySnapshot['strategy'] = 'intelligent'): GatewaySnapshot {
  const labels: Record<string, string> = { 'github-models': 'GitHub Models', openrouter: 'OpenRouter', ollama: 'Ollama' };
  const ids = Object.keys(health);
  return {
    run: 'running',
    error: null,
    strategy,
    strategies: STRATEGIES,
    ports: [
      { port: 8080, use: 'router', url: 'http://127.0.0.1:8080', label: 'Router', health: null },
      ...ids.map((id, i) => ({ port: 8092 + i, use: id, url: `http://127.0.0.1:${8092 + i}`, label: labels[id] ?? id, health: health[id] })),
    ],
    providers: ids.map((id) => ({ id, label: labels[id] ?? id, health: health[id] })),
  };
}

const input = (snapshot: GatewaySnapshot, platform: NodeJS.Platform = 'linux') => ({ snapshot, launchAtLogin: false, startGatewayAtLaunch: true, platform });

/** A compact picture of a menu: "label [type, checked, disabled] -> action". */
function outline(items: MenuItem[], depth = 0): string[] {
  return items.flatMap((m) => {
    const pad = '  '.repeat(depth);
    if (m.type === 'separator') return [`${pad}---`];
    const flags = [m.type === 'checkbox' || m.type === 'radio' ? `${m.type}${m.checked ? ' ✓' : ''}` : '', m.enabled ? '' : 'disabled'].filter(Boolean).join(', ');
    const head = `${pad}${m.label}${flags ? ` [${flags}]` : ''}${'action' in m && m.action ? ` -> ${describeAction(m.action)}` : ''}`;
    return m.type === 'submenu' ? [head, ...outline(m.submenu, depth + 1)] : [head];
  });
}

function describeAction(a: MenuAction): string {
  return a.kind === 'copy' ? `copy ${a.text}` : a.kind === 'strategy' ? `strategy ${a.strategy}` : a.kind === 'open' ? `open ${a.page}` : a.kind === 'toggle' ? `toggle ${a.setting}` : a.kind;
}

describe('tray state', () => {
  it('maps the gateway picture to one of four icons with a tooltip', () => {
    expect(trayLook(stoppedSnapshot())).toEqual({ state: 'stopped', status: 'stopped', tooltip: 'Switchboard: stopped' });
    expect(trayLook(stoppedSnapshot('starting')).state).toBe('stopped');
    expect(trayLook(stoppedSnapshot('failed', 'a port is already in use (127.0.0.1:8080)'))).toMatchObject({ state: 'down', tooltip: 'Switchboard: could not start: a port is already in use (127.0.0.1:8080)' });
    expect(trayLook(running({ 'github-models': 'healthy', openrouter: 'unknown' }))).toMatchObject({ state: 'running-healthy', status: 'running, 2 providers healthy' });
    expect(trayLook(running({ openrouter: 'healthy' })).status).toBe('running, OpenRouter healthy');
    expect(trayLook(running({ 'github-models': 'healthy', openrouter: 'down' }))).toMatchObject({ state: 'degraded', status: 'running, OpenRouter down' });
    expect(trayLook(running({ 'github-models': 'rate-limited', openrouter: 'degraded' }))).toMatchObject({ state: 'degraded', status: 'running, GitHub Models rate-limited, OpenRouter degraded' });
    expect(trayLook(running({ 'github-models': 'down', openrouter: 'cooling-down' }))).toMatchObject({ state: 'down', status: 'running, but every provider is failing (GitHub Models down, OpenRouter cooling-down)' });
    expect(trayLook(running({ openrouter: 'down' })).status).toBe('running, but OpenRouter down');
    expect(trayLook(running({}))).toMatchObject({ state: 'degraded', status: 'running, but no provider is enabled' });
  });

  it('goes through the transitions of a session: stopped, starting, healthy, degraded, down, recovered, stopping', () => {
    const states = [stoppedSnapshot(), stoppedSnapshot('starting'), running({ a: 'unknown', b: 'unknown' }), running({ a: 'healthy', b: 'down' }), running({ a: 'down', b: 'down' }), running({ a: 'healthy', b: 'healthy' }), stoppedSnapshot('stopping'), stoppedSnapshot()].map((s) => trayLook(s).state);
    expect(states).toEqual(['stopped', 'stopped', 'running-healthy', 'degraded', 'down', 'running-healthy', 'stopped', 'stopped']);
  });
});

describe('tray menu', () => {
  it('running: status, Stop, one entry per port with copy actions, the strategy radio, windows, settings, Quit', () => {
    expect(outline(trayMenu(input(running({ 'github-models': 'healthy', openrouter: 'degraded' }, 'cost'))))).toEqual([
      'Switchboard: running, OpenRouter degraded [disabled]',
      '---',
      'Stop gateway -> stop',
      '---',
      '8080  Router (1 of 2 healthy)',
      '  Router: cost strategy over 2 providers [disabled]',
      '  Health: 1 of 2 healthy [disabled]',
      '  ---',
      '  Copy base URL -> copy http://127.0.0.1:8080',
      '  Copy export line -> copy export ANTHROPIC_BASE_URL=http://127.0.0.1:8080',
      '8092  GitHub Models (healthy)',
      '  Provider: GitHub Models [disabled]',
      '  Health: healthy [disabled]',
      '  ---',
      '  Copy base URL -> copy http://127.0.0.1:8092',
      '  Copy export line -> copy export ANTHROPIC_BASE_URL=http://127.0.0.1:8092',
      '8093  OpenRouter (degraded)',
      '  Provider: OpenRouter [disabled]',
      '  Health: degraded [disabled]',
      '  ---',
      '  Copy base URL -> copy http://127.0.0.1:8093',
      '  Copy export line -> copy export ANTHROPIC_BASE_URL=http://127.0.0.1:8093',
      '---',
      'Strategy',
      '  Intelligent (health, limits, latency, cost) [radio] -> strategy intelligent',
      '  Priority order [radio] -> strategy priority',
      '  Cheapest first [radio ✓] -> strategy cost',
      '  Fastest first [radio] -> strategy performance',
      '  Most reliable first [radio] -> strategy availability',
      '---',
      'Open dashboard -> open overview',
      'Settings… -> open providers',
      'Configure Claude Code… -> configure-claude',
      '---',
      'Launch at login [checkbox] -> toggle launchAtLogin',
      'Start gateway when Switchboard opens [checkbox ✓] -> toggle startGatewayAtLaunch',
      '---',
      'Quit Switchboard -> quit',
    ]);
  });

  it('stopped: Start, no ports, strategy and windows disabled; starting: Start disabled', () => {
    const stopped = outline(trayMenu({ ...input(stoppedSnapshot()), launchAtLogin: true }));
    expect(stopped.slice(0, 3)).toEqual(['Switchboard: stopped [disabled]', '---', 'Start gateway -> start']);
    expect(stopped).not.toContain('Stop gateway -> stop');
    expect(stopped.some((l) => /^\d+ {2}/.test(l))).toBe(false);
    expect(stopped).toContain('Strategy [disabled]');
    expect(stopped).toContain('  Intelligent (health, limits, latency, cost) [radio, disabled] -> strategy intelligent');
    expect(stopped).toContain('Open dashboard [disabled] -> open overview');
    expect(stopped).toContain('Launch at login [checkbox ✓] -> toggle launchAtLogin');
    expect(outline(trayMenu(input(stoppedSnapshot('starting'))))[2]).toBe('Start gateway [disabled] -> start');
  });

  it('copies a PowerShell export line on Windows', () => {
    expect(exportLine('http://127.0.0.1:8080', 'win32')).toBe('$env:ANTHROPIC_BASE_URL="http://127.0.0.1:8080"');
    expect(outline(trayMenu(input(running({ openrouter: 'healthy' }), 'win32')))).toContain('  Copy export line -> copy $env:ANTHROPIC_BASE_URL="http://127.0.0.1:8080"');
  });

  it('is a pure function of its input', () => {
    const i = input(running({ openrouter: 'healthy' }));
    expect(trayMenu(i)).toEqual(trayMenu(structuredClone(i)));
  });
});
