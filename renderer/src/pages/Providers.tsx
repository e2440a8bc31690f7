import { useState } from 'react';
import { explain } from '../api/explain';
import type { ProviderBody, ProviderView } from '../api/types';
import { Card, PageHeader } from '../components/Card';
import { Dialog } from '../components/Dialog';
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import { StatusLight } from '../components/StatusLight';
import { useWatch } from '../events/live';
import { useGateway } from '../stores/gateway';
import { useProviders } from '../stores/providers';
import { toast } from '../stores/toasts';
import { ProviderCard } from './components/ProviderCard';
import { ProviderForm } from './components/ProviderForm';

// Providers: add from a preset, edit, remove, test the connection, see the models
// a provider offers. Keys are write-only: only their hint (••••1234) comes back.

type Editing = { mode: 'add' } | { mode: 'edit'; v: ProviderView } | null;
const DRAFT = '__draft__';

export default function Providers() {
  useWatch('providers');
  const p = useProviders();
  const state = useGateway((s) => s.state);
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<ProviderView | null>(null);
  const status = new Map(state?.providers.map((s) => [s.id, s]) ?? []);

  const submit = async (body: ProviderBody) => {
    if (editing?.mode === 'edit') {
      const v = await p.update(editing.v.id, body);
      toast('success', `${v.label} saved.`);
    } else {
      const v = await p.create(body);
      toast('success', `${v.label} added${v.port ? ` on port ${v.port}` : ''}. It joins the router’s chain now.`);
    }
    setEditing(null);
    void useGateway.getState().load();
  };

  const testForm = (body: ProviderBody) => {
    // An unchanged saved provider is tested as saved (with its stored key); a changed form as a draft.
    const changed = Object.keys(body).some((k) => k !== 'type' && k !== 'id');
    if (editing?.mode === 'edit' && !changed) void p.test(editing.v.id, DRAFT);
    else void p.testDraft(DRAFT, body);
  };

  const remove = async () => {
    const v = removing;
    setRemoving(null);
    if (!v) return;
    try {
      await p.remove(v.id);
      toast('success', `${v.label} removed${v.port ? `; port ${v.port} is closed` : ''}.`);
      void useGateway.getState().load();
    } catch (err) {
      const x = explain(err);
      toast('error', `${x.what} ${x.next}`);
    }
  };

  const open = (e: Editing) => {
    useProviders.setState((s) => {
      const { [DRAFT]: _old, ...tests } = s.tests;
      return { tests };
    });
    setEditing(e);
  };

  return (
    <div className="page">
      <PageHeader title="Providers">
        {p.supported ? (
          <button type="button" className="btn btn--primary" onClick={() => open({ mode: 'add' })} disabled={p.presets.length === 0}>
            Add provider
          </button>
        ) : null}
      </PageHeader>
      <ErrorBanner error={p.error} onRetry={() => void p.load()} />

      {p.supported === false ? (
        <>
          <div className="banner banner--info" role="status">
            <div>
              <p className="banner__what">This Switchboard cannot change providers from the window.</p>
              <p className="banner__next">Edit the config file (README “Configuration”) and restart Switchboard. What it runs now:</p>
            </div>
          </div>
          <div className="grid">
            {state?.providers.map((s) => (
              <Card key={s.id} title={s.label} actions={<StatusLight state={s.health} />}>
                <p className="muted small mono">
                  {s.id} · {s.dialect} · {s.ports.filter((x) => x.use === s.id).map((x) => `port ${x.port}`).join(', ') || 'router only'}
                </p>
              </Card>
            ))}
          </div>
        </>
      ) : null}

      {p.supported && p.providers.length === 0 ? (
        <Card>
          <EmptyState
            title="Add your first provider"
            action={
              <button type="button" className="btn btn--primary" onClick={() => open({ mode: 'add' })}>
                Add provider
              </button>
            }
          >
            <p>Pick a provider (OpenRouter, GitHub Models, OpenAI, DeepSeek, Gemini, Vertex AI, Anthropic, a local Ollama or any OpenAI-compatible server), paste its key, and test the connection.</p>
          </EmptyState>
        </Card>
      ) : null}

      {p.supported ? (
        <div className="grid">
          {p.providers.map((v) => (
            <ProviderCard
              key={v.id}
              v={v}
              status={status.get(v.id)}
              test={p.tests[v.id]}
              discovered={p.models[v.id]}
              onTest={() => void p.test(v.id)}
              onEdit={() => open({ mode: 'edit', v })}
              onRemove={() => setRemoving(v)}
              onDiscover={() => void p.discover(v.id)}
            />
          ))}
        </div>
      ) : null}

      {!p.loaded ? <p className="muted">Loading…</p> : null}

      <Dialog open={editing !== null} title={editing?.mode === 'edit' ? `Edit ${editing.v.label}` : 'Add a provider'} onClose={() => setEditing(null)} wide>
        {editing ? (
          <ProviderForm
            key={editing.mode === 'edit' ? editing.v.id : 'add'}
            presets={p.presets}
            existing={editing.mode === 'edit' ? editing.v : undefined}
            discovered={editing.mode === 'edit' ? (p.models[editing.v.id] && 'models' in p.models[editing.v.id] ? (p.models[editing.v.id] as { models: string[] }).models : undefined) : undefined}
            test={p.tests[DRAFT]}
            onTest={testForm}
            onSubmit={submit}
            onCancel={() => setEditing(null)}
          />
        ) : null}
      </Dialog>

      <Dialog
        open={removing !== null}
        title={`Remove ${removing?.label ?? ''}?`}
        onClose={() => setRemoving(null)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setRemoving(null)}>
              Cancel
            </button>
            <button type="button" className="btn btn--primary" onClick={() => void remove()}>
              Remove
            </button>
          </>
        }
      >
        <p>
          It leaves the router’s chain{removing?.port ? ` and its port ${removing.port} stops listening` : ''}. Requests already running finish. {removing?.source === 'ui' ? 'Its saved key is deleted.' : ''}
        </p>
      </Dialog>
    </div>
  );
}
