// The settings window's preload (sandboxed, so CommonJS and only the `electron`
// module). It hands the page exactly three things through contextBridge: the admin
// URL, the admin token (read by renderer/src/api/token.ts) and a clipboard helper.
// The main process answers only pages served by the running gateway.
import electron = require('electron');

interface Init {
  adminUrl: string;
  adminToken: string;
}

const init = electron.ipcRenderer.sendSync('switchboard:init') as Init | null;

electron.contextBridge.exposeInMainWorld('switchboard', {
  adminUrl: init?.adminUrl ?? '',
  adminToken: init?.adminToken ?? '',
  copy: (text: string): Promise<boolean> => electron.ipcRenderer.invoke('switchboard:copy', String(text)) as Promise<boolean>,
});
